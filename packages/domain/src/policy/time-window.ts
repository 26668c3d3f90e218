import { DomainError } from '../errors.ts';
import type { TimeWindow, Weekday } from './types.ts';

export type LocalTimeParts = {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: Weekday;
};

const WEEKDAYS: readonly Weekday[] = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

// Building a DateTimeFormat costs far more than using one, and a policy check runs per payment.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    try {
      formatter = new Intl.DateTimeFormat('en-US', {
        timeZone: timezone,
        hourCycle: 'h23',
        weekday: 'short',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      throw new DomainError('invalid_timezone', `${timezone} is not a known IANA time zone`, { timezone });
    }
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** The wall-clock date and time in `timezone` at the instant `at`. */
export function localTimeParts(at: Date, timezone: string): LocalTimeParts {
  const parts: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of formatterFor(timezone).formatToParts(at)) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: (parts.weekday ?? '').toLowerCase() as Weekday,
  };
}

function minutesOfDay(hhmm: string): number {
  const [hours, minutes] = hhmm.split(':').map(Number);
  return (hours ?? NaN) * 60 + (minutes ?? NaN);
}

function previousWeekday(day: Weekday): Weekday {
  return WEEKDAYS[(WEEKDAYS.indexOf(day) + 6) % 7] as Weekday;
}

/**
 * Whether `at` falls inside the window. For a window that wraps past midnight, the hours after
 * midnight belong to the previous day's window, so `days` is checked against that day.
 */
export function withinTimeWindow(at: Date, window: TimeWindow): boolean {
  const local = localTimeParts(at, window.timezone);
  const now = local.hour * 60 + local.minute;
  const start = minutesOfDay(window.start);
  const end = minutesOfDay(window.end);
  let openedOn: Weekday;
  if (start < end) {
    if (now < start || now >= end) return false;
    openedOn = local.weekday;
  } else if (start > end) {
    if (now >= start) openedOn = local.weekday;
    else if (now < end) openedOn = previousWeekday(local.weekday);
    else return false;
  } else {
    // start === end (or unparsable times) is refused by the schema; fail closed if it gets here.
    return false;
  }
  return !window.days || window.days.includes(openedOn);
}

function dateKey(at: Date, timezone: string): number {
  const { year, month, day } = localTimeParts(at, timezone);
  return year * 10_000 + month * 100 + day;
}

/** The zone's UTC offset at `at` in ms: the wall-clock reading taken as UTC, minus the instant. */
function utcOffsetMs(at: Date, timezone: string): number {
  const p = localTimeParts(at, timezone);
  return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - Math.floor(at.getTime() / 1000) * 1000;
}

// No zone has been 26 h or more from UTC, so a local date starts within this span of its UTC midnight.
const SEARCH_SPAN_SECONDS = 26 * 3600;

/**
 * The instant from which the local date in `timezone` is year-month-day (or later) for good. Nearly
 * always that is the first such instant. But where clocks fall back within minutes after midnight
 * (St. John's, 00:01 → 23:01 until 2011) the date turns, turns back, and turns again; the day then
 * starts at the last turn, so consecutive days stay contiguous and never overlap.
 */
function startOfLocalDate(year: number, month: number, day: number, timezone: string): Date {
  const first = firstInstantOfLocalDate(year, month, day, timezone);
  const target = year * 10_000 + month * 100 + day;
  const reached = (ms: number) => dateKey(new Date(ms), timezone) >= target;
  // Midnight under the offset in force a few hours later: later than `first` only after such a fall-back.
  const later = Date.UTC(year, month - 1, day) - utcOffsetMs(new Date(first.getTime() + FALL_BACK_WINDOW_MS), timezone);
  return later > first.getTime() && reached(later) && !reached(later - 1000) ? new Date(later) : first;
}

// Clocks have never gone back by more than 3 hours.
const FALL_BACK_WINDOW_MS = 3 * 3_600_000;

/** The first instant whose local date in `timezone` is year-month-day (or later). */
function firstInstantOfLocalDate(year: number, month: number, day: number, timezone: string): Date {
  const wallMidnight = Date.UTC(year, month - 1, day);
  const target = year * 10_000 + month * 100 + day;
  const reached = (seconds: number) => dateKey(new Date(seconds * 1000), timezone) >= target;
  // Fast path: local midnight exists and is the first instant of the day (nearly every day, every zone).
  const firstGuess = wallMidnight - utcOffsetMs(new Date(wallMidnight), timezone);
  const guess = wallMidnight - utcOffsetMs(new Date(firstGuess), timezone);
  if (reached(guess / 1000) && !reached(guess / 1000 - 1)) return new Date(guess);
  // Slow path (midnight skipped by a DST change, or odd offsets): binary search over whole seconds.
  let low = wallMidnight / 1000 - SEARCH_SPAN_SECONDS;
  let high = wallMidnight / 1000 + SEARCH_SPAN_SECONDS;
  while (high - low > 1) {
    const mid = Math.floor((low + high) / 2);
    if (reached(mid)) high = mid;
    else low = mid;
  }
  return new Date(high * 1000);
}

/**
 * The local day in `timezone` that contains `at`, as UTC instants: [start, end). A DST change
 * makes it 23 or 25 hours long; if local midnight does not exist, the day starts at the first
 * instant that does.
 */
export function policyDayBounds(at: Date, timezone: string): { start: Date; end: Date } {
  const { year, month, day } = localTimeParts(at, timezone);
  const bounds = (offsetDays: number) => {
    const date = new Date(Date.UTC(year, month - 1, day + offsetDays));
    const next = new Date(Date.UTC(year, month - 1, day + offsetDays + 1));
    return {
      start: startOfLocalDate(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), timezone),
      end: startOfLocalDate(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), timezone),
    };
  };
  const own = bounds(0);
  // The minute between a date's first turn and a fall-back belongs to the day before (see startOfLocalDate).
  return own.start.getTime() > at.getTime() ? bounds(-1) : own;
}

/** Whether `timeZone` is an IANA zone this runtime knows (e.g. Asia/Kolkata, UTC). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat(undefined, { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** The local calendar month in `timezone` that contains `at`, as UTC instants: [start, end). */
export function localMonthBounds(at: Date, timezone: string): { start: Date; end: Date } {
  const { year, month } = localTimeParts(at, timezone);
  const monthOf = (y: number, m: number) => {
    const first = new Date(Date.UTC(y, m - 1, 1));
    const next = new Date(Date.UTC(y, m, 1));
    return {
      start: startOfLocalDate(first.getUTCFullYear(), first.getUTCMonth() + 1, 1, timezone),
      end: startOfLocalDate(next.getUTCFullYear(), next.getUTCMonth() + 1, 1, timezone),
    };
  };
  const own = monthOf(year, month);
  // As for days: an instant before the first day's last turn still belongs to the month before.
  return own.start.getTime() > at.getTime() ? monthOf(year, month - 1) : own;
}
