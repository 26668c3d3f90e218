import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isTimeZone, localMonthBounds, localTimeParts, policyDayBounds, withinTimeWindow, type TimeWindow } from '../src/index.ts';
import { expectDomainError } from './expect-domain-error.ts';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;

describe('localTimeParts', () => {
  it('reads the wall clock in a half-hour zone (Asia/Kolkata, +05:30)', () => {
    expect(localTimeParts(at('2026-01-01T18:29:59Z'), 'Asia/Kolkata')).toEqual({
      year: 2026, month: 1, day: 1, hour: 23, minute: 59, second: 59, weekday: 'thu',
    });
    expect(localTimeParts(at('2026-01-01T18:30:00Z'), 'Asia/Kolkata')).toEqual({
      year: 2026, month: 1, day: 2, hour: 0, minute: 0, second: 0, weekday: 'fri',
    });
  });

  it('prints midnight as hour 0, never 24', () => {
    expect(localTimeParts(at('2026-03-02T00:00:00Z'), 'UTC').hour).toBe(0);
  });

  it('follows daylight saving time (America/New_York)', () => {
    expect(localTimeParts(at('2026-01-15T14:00:00Z'), 'America/New_York').hour).toBe(9);
    expect(localTimeParts(at('2026-07-15T14:00:00Z'), 'America/New_York').hour).toBe(10);
  });

  it('throws invalid_timezone for an unknown zone', () => {
    expectDomainError(() => localTimeParts(at('2026-01-01T00:00:00Z'), 'Mars/Olympus_Mons'), 'invalid_timezone');
  });
});

describe('withinTimeWindow', () => {
  const officeHours: TimeWindow = { start: '09:00', end: '17:00', timezone: 'Asia/Kolkata' };

  it('opens at the start minute and closes at the end minute (Asia/Kolkata)', () => {
    expect(withinTimeWindow(at('2026-03-02T03:29:59Z'), officeHours)).toBe(false); // 08:59:59
    expect(withinTimeWindow(at('2026-03-02T03:30:00Z'), officeHours)).toBe(true); // 09:00
    expect(withinTimeWindow(at('2026-03-02T11:29:59Z'), officeHours)).toBe(true); // 16:59:59
    expect(withinTimeWindow(at('2026-03-02T11:30:00Z'), officeHours)).toBe(false); // 17:00
  });

  it('checks the local weekday', () => {
    const weekdays: TimeWindow = { ...officeHours, days: ['mon', 'tue', 'wed', 'thu', 'fri'] };
    expect(withinTimeWindow(at('2026-03-06T06:00:00Z'), weekdays)).toBe(true); // Fri 11:30
    expect(withinTimeWindow(at('2026-03-07T06:00:00Z'), weekdays)).toBe(false); // Sat 11:30
  });

  it('uses the local weekday, not the UTC one', () => {
    // Monday 00:30 in Kolkata is still Sunday in UTC.
    const mondays: TimeWindow = { start: '00:00', end: '01:00', timezone: 'Asia/Kolkata', days: ['mon'] };
    expect(withinTimeWindow(at('2026-03-01T19:00:00Z'), mondays)).toBe(true);
  });

  it('keeps local hours across a DST change (America/New_York)', () => {
    const nyHours: TimeWindow = { start: '09:00', end: '17:00', timezone: 'America/New_York' };
    expect(withinTimeWindow(at('2026-03-06T14:00:00Z'), nyHours)).toBe(true); // Fri 09:00 EST
    expect(withinTimeWindow(at('2026-03-06T13:59:00Z'), nyHours)).toBe(false);
    expect(withinTimeWindow(at('2026-03-09T13:00:00Z'), nyHours)).toBe(true); // Mon 09:00 EDT
    expect(withinTimeWindow(at('2026-03-09T12:59:00Z'), nyHours)).toBe(false);
  });

  it('is never open during an hour that DST skips', () => {
    const skipped: TimeWindow = { start: '02:00', end: '03:00', timezone: 'America/New_York' };
    expect(withinTimeWindow(at('2026-03-08T06:59:59Z'), skipped)).toBe(false); // 01:59:59 EST
    expect(withinTimeWindow(at('2026-03-08T07:00:00Z'), skipped)).toBe(false); // 03:00 EDT
  });

  it('is open both times an hour repeats when DST ends', () => {
    const repeated: TimeWindow = { start: '01:00', end: '02:00', timezone: 'America/New_York' };
    expect(withinTimeWindow(at('2026-11-01T05:30:00Z'), repeated)).toBe(true); // 01:30 EDT
    expect(withinTimeWindow(at('2026-11-01T06:30:00Z'), repeated)).toBe(true); // 01:30 EST
    expect(withinTimeWindow(at('2026-11-01T07:00:00Z'), repeated)).toBe(false); // 02:00 EST
  });

  describe('a window that wraps past midnight (22:00–06:00, Fridays, America/New_York)', () => {
    const night: TimeWindow = { start: '22:00', end: '06:00', timezone: 'America/New_York', days: ['fri'] };

    it('opens at 22:00 on the listed day', () => {
      expect(withinTimeWindow(at('2026-03-07T02:59:00Z'), night)).toBe(false); // Fri 21:59 EST
      expect(withinTimeWindow(at('2026-03-07T03:00:00Z'), night)).toBe(true); // Fri 22:00
    });

    it('stays open after midnight, counting the hours as the day it opened', () => {
      expect(withinTimeWindow(at('2026-03-07T10:59:00Z'), night)).toBe(true); // Sat 05:59
      expect(withinTimeWindow(at('2026-03-07T11:00:00Z'), night)).toBe(false); // Sat 06:00
    });

    it('does not open on a day that is not listed', () => {
      expect(withinTimeWindow(at('2026-03-08T03:00:00Z'), night)).toBe(false); // Sat 22:00
      expect(withinTimeWindow(at('2026-03-06T10:00:00Z'), night)).toBe(false); // Fri 05:00, opened Thu
    });

    it('is closed in the middle of the day', () => {
      expect(withinTimeWindow(at('2026-03-06T17:00:00Z'), { ...night, days: undefined })).toBe(false); // Fri 12:00
    });

    it('treats Monday morning as part of Sunday night', () => {
      const sunday: TimeWindow = { ...night, timezone: 'UTC', days: ['sun'] };
      expect(withinTimeWindow(at('2026-03-02T05:00:00Z'), sunday)).toBe(true); // Mon 05:00 UTC
      expect(withinTimeWindow(at('2026-03-03T05:00:00Z'), sunday)).toBe(false); // Tue 05:00 UTC
    });
  });

  it('fails closed on a window that opens and closes at the same minute', () => {
    expect(withinTimeWindow(at('2026-03-02T09:00:00Z'), { start: '09:00', end: '09:00', timezone: 'UTC' })).toBe(false);
  });

  it('fails closed on an unreadable time', () => {
    expect(withinTimeWindow(at('2026-03-02T09:00:00Z'), { start: 'nine', end: '17:00', timezone: 'UTC' })).toBe(false);
  });
});

describe('policyDayBounds', () => {
  const bounds = (iso: string, timezone: string) => {
    const { start, end } = policyDayBounds(at(iso), timezone);
    return { start: start.toISOString(), end: end.toISOString(), hours: (end.getTime() - start.getTime()) / HOUR };
  };

  it('is the UTC calendar day in UTC', () => {
    expect(bounds('2026-03-02T00:00:00Z', 'UTC')).toEqual({
      start: '2026-03-02T00:00:00.000Z', end: '2026-03-03T00:00:00.000Z', hours: 24,
    });
    expect(bounds('2026-03-02T23:59:59.999Z', 'UTC').start).toBe('2026-03-02T00:00:00.000Z');
  });

  it('follows a half-hour offset (Asia/Kolkata)', () => {
    expect(bounds('2026-05-10T20:00:00Z', 'Asia/Kolkata')).toEqual({
      start: '2026-05-10T18:30:00.000Z', end: '2026-05-11T18:30:00.000Z', hours: 24,
    });
    // One millisecond before local midnight still belongs to the previous day.
    expect(bounds('2026-05-10T18:29:59.999Z', 'Asia/Kolkata').start).toBe('2026-05-09T18:30:00.000Z');
  });

  it('is 23 hours long on the day DST starts (America/New_York, 2026-03-08)', () => {
    expect(bounds('2026-03-08T12:00:00Z', 'America/New_York')).toEqual({
      start: '2026-03-08T05:00:00.000Z', end: '2026-03-09T04:00:00.000Z', hours: 23,
    });
  });

  it('is 25 hours long on the day DST ends (America/New_York, 2026-11-01)', () => {
    expect(bounds('2026-11-01T12:00:00Z', 'America/New_York')).toEqual({
      start: '2026-11-01T04:00:00.000Z', end: '2026-11-02T05:00:00.000Z', hours: 25,
    });
  });

  it('starts at 01:00 when DST skips midnight (America/Santiago, 2026-09-06)', () => {
    expect(bounds('2026-09-06T12:00:00Z', 'America/Santiago')).toEqual({
      start: '2026-09-06T04:00:00.000Z', end: '2026-09-07T03:00:00.000Z', hours: 23,
    });
    expect(localTimeParts(at('2026-09-06T04:00:00Z'), 'America/Santiago')).toMatchObject({ day: 6, hour: 1, minute: 0 });
    // The day before ends where the skipped midnight would have been.
    expect(bounds('2026-09-06T03:59:59Z', 'America/Santiago').end).toBe('2026-09-06T04:00:00.000Z');
  });

  it('keeps days contiguous when clocks fell back one minute after midnight (America/St_Johns, 2000-10-29)', () => {
    // 00:01 NDT became 23:01 NST: the date turned to the 29th at 02:30Z, back to the 28th at 02:31Z,
    // and to the 29th again at 03:30Z. The 28th runs until the last turn; that minute belongs to it.
    const the28th = { start: '2000-10-28T02:30:00.000Z', end: '2000-10-29T03:30:00.000Z', hours: 25 };
    expect(bounds('2000-10-29T02:31:00Z', 'America/St_Johns')).toEqual(the28th);
    expect(bounds('2000-10-29T02:30:30Z', 'America/St_Johns')).toEqual(the28th);
    expect(bounds('2000-10-28T12:00:00Z', 'America/St_Johns')).toEqual(the28th);
    expect(bounds('2000-10-29T03:30:00Z', 'America/St_Johns')).toEqual({ start: '2000-10-29T03:30:00.000Z', end: '2000-10-30T03:30:00.000Z', hours: 24 });
  });

  it('starts at 01:00 when DST skips midnight (Asia/Beirut, 2026-03-29)', () => {
    expect(bounds('2026-03-29T12:00:00Z', 'Asia/Beirut')).toEqual({
      start: '2026-03-28T22:00:00.000Z', end: '2026-03-29T21:00:00.000Z', hours: 23,
    });
  });

  it('is 25 hours long when DST ends at midnight and 23:00 repeats (America/Santiago, 2026-04-04)', () => {
    const expected = { start: '2026-04-04T03:00:00.000Z', end: '2026-04-05T04:00:00.000Z', hours: 25 };
    expect(bounds('2026-04-05T02:30:00Z', 'America/Santiago')).toEqual(expected); // first 23:30
    expect(bounds('2026-04-05T03:30:00Z', 'America/Santiago')).toEqual(expected); // second 23:30
  });

  it('ends a day at the start of the next one even when a whole date is skipped (Pacific/Apia, 2011-12-30)', () => {
    expect(bounds('2011-12-29T12:00:00Z', 'Pacific/Apia')).toEqual({
      start: '2011-12-29T10:00:00.000Z', end: '2011-12-30T10:00:00.000Z', hours: 24,
    });
    expect(localTimeParts(at('2011-12-30T10:00:00Z'), 'Pacific/Apia')).toMatchObject({ month: 12, day: 31, hour: 0 });
  });

  it('throws invalid_timezone for an unknown zone', () => {
    expectDomainError(() => policyDayBounds(at('2026-01-01T00:00:00Z'), 'Nowhere/City'), 'invalid_timezone');
  });

  it('always contains the instant, starts on its local date, and meets the next day exactly', () => {
    const zones = [
      'UTC', 'Asia/Kolkata', 'America/New_York', 'America/Santiago', 'Asia/Beirut',
      'Australia/Lord_Howe', 'Pacific/Chatham', 'Pacific/Kiritimati', 'Pacific/Apia', 'America/St_Johns', 'Europe/London',
    ];
    const dateOf = (instant: Date, zone: string) => {
      const { year, month, day } = localTimeParts(instant, zone);
      return year * 10_000 + month * 100 + day;
    };
    // Uniform instants rarely land near a DST change, so half of them are drawn close to known ones.
    const transitions = [
      '2026-03-08T07:00:00Z', '2026-11-01T06:00:00Z', '2026-09-06T04:00:00Z', '2026-04-05T03:00:00Z',
      '2026-03-28T22:00:00Z', '2026-04-04T15:00:00Z', '2026-10-03T16:00:00Z', '2011-12-30T10:00:00Z',
    ].map((iso) => Date.parse(iso));
    const nearTransition = fc
      .tuple(fc.constantFrom(...transitions), fc.integer({ min: -36 * HOUR, max: 36 * HOUR }))
      .map(([transition, offset]) => transition + offset);
    const anyInstant = fc.integer({ min: Date.UTC(2000, 0, 1), max: Date.UTC(2040, 0, 1) });
    fc.assert(
      fc.property(
        fc.constantFrom(...zones),
        fc.oneof(anyInstant, nearTransition),
        (zone, ms) => {
          const instant = new Date(ms);
          const { start, end } = policyDayBounds(instant, zone);
          expect(start.getTime()).toBeLessThanOrEqual(ms);
          expect(end.getTime()).toBeGreaterThan(ms);
          expect(dateOf(start, zone)).toBe(dateOf(instant, zone));
          expect(dateOf(new Date(start.getTime() - 1000), zone)).toBeLessThan(dateOf(instant, zone));
          expect(dateOf(end, zone)).toBeGreaterThan(dateOf(instant, zone));
          expect(policyDayBounds(end, zone).start.getTime()).toBe(end.getTime());
          expect(end.getTime() - start.getTime()).toBeGreaterThanOrEqual(22 * HOUR);
          expect(end.getTime() - start.getTime()).toBeLessThanOrEqual(26 * HOUR);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('localMonthBounds', () => {
  it('gives the UTC calendar month, December running into the next year', () => {
    expect(localMonthBounds(at('2026-12-31T23:59:59Z'), 'UTC')).toEqual({ start: at('2026-12-01T00:00:00Z'), end: at('2027-01-01T00:00:00Z') });
    expect(localMonthBounds(at('2027-01-01T00:00:00Z'), 'UTC').start).toEqual(at('2027-01-01T00:00:00Z'));
  });

  it('starts at local midnight of the 1st (Asia/Kolkata, +05:30)', () => {
    expect(localMonthBounds(at('2026-02-28T18:29:59Z'), 'Asia/Kolkata')).toEqual({ start: at('2026-01-31T18:30:00Z'), end: at('2026-02-28T18:30:00Z') });
    expect(localMonthBounds(at('2026-02-28T18:30:00Z'), 'Asia/Kolkata').start).toEqual(at('2026-02-28T18:30:00Z'));
  });

  it('spans a DST change (Europe/Berlin, March has 31 days minus one hour)', () => {
    const { start, end } = localMonthBounds(at('2026-03-15T12:00:00Z'), 'Europe/Berlin');
    expect(start).toEqual(at('2026-02-28T23:00:00Z'));
    expect(end).toEqual(at('2026-03-31T22:00:00Z'));
    expect(end.getTime() - start.getTime()).toBe((31 * 24 - 1) * HOUR);
  });

  it('always contains the instant and is contiguous with the next month', () => {
    fc.assert(
      fc.property(fc.date({ min: at('1990-01-01T00:00:00Z'), max: at('2040-01-01T00:00:00Z'), noInvalidDate: true }), fc.constantFrom('UTC', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'America/St_Johns'), (instant, zone) => {
        const month = localMonthBounds(instant, zone);
        expect(month.start.getTime()).toBeLessThanOrEqual(instant.getTime());
        expect(month.end.getTime()).toBeGreaterThan(instant.getTime());
        expect(localMonthBounds(month.end, zone).start).toEqual(month.end);
        expect(policyDayBounds(month.start, zone).start).toEqual(month.start);
      }),
      { numRuns: 300 },
    );
  });
});

describe('isTimeZone', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isTimeZone('Asia/Kolkata')).toBe(true);
    expect(isTimeZone('UTC')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
  });
});
