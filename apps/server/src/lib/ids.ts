import { monotonicFactory } from 'ulid';
import { ID_PREFIXES } from '@frameos/domain';

const nextUlid = monotonicFactory();

export type IdKind = keyof typeof ID_PREFIXES;

/** Prefixed, sortable ids (`pay_01J…`): readable in logs, no enumeration. */
export function newId(kind: IdKind): string {
  return `${ID_PREFIXES[kind]}_${nextUlid()}`;
}
