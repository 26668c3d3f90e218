/**
 * The rail's memory of what it signed. An EIP-3009 authorization carries a random nonce the token
 * contract accepts once, so re-sending the same signed authorization for every retry of a payment means
 * at most one transfer can settle. This module keeps those authorizations per payment (in process
 * memory), runs the calls for one payment one at a time, and reads and describes authorizations.
 */
import type { PaymentPayload, PaymentRequirements } from '@x402/core/types';
import { isAddress, isHex, type Address, type Hex } from 'viem';
import type { RailPaymentResult } from '../rail-adapter.ts';
import { atomicToMinorString } from './x402-money.ts';

/** Chain clocks lag wall clocks; an authorization is treated as still usable this long after `validBefore`. */
const CLOCK_SKEW_SECONDS = 60n;
/** How long a signed authorization is remembered after it stops being usable, to check the chain before signing anew. */
const RETENTION_MS = 24 * 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 1000;

/** The signed authorization for one payment, kept so every retry sends exactly these bytes. */
export interface SignedAuthorization {
  headers: Record<string, string>;
  requirement: PaymentRequirements;
  payer: Address;
  nonce: Hex;
  validBefore: bigint;
  decimals: number;
}

export interface PaymentMemory {
  createdAt: number;
  signed: SignedAuthorization | null;
  /** Set once settled, so a retry answers without touching the vendor. */
  settled: RailPaymentResult | null;
}

export interface AuthorizationMemory {
  /** The payment's entry, created on first use; entries unusable for a day are forgotten on the way. */
  entry(paymentId: string): PaymentMemory;
  /** The payment's entry if this process has one. */
  find(paymentId: string): PaymentMemory | undefined;
  /** Whether a call for the payment is running now. */
  isRunning(paymentId: string): boolean;
  /** Calls for one payment run one at a time, so a retry never races the attempt it retries into a second signature. */
  oneAtATime<T>(paymentId: string, run: () => Promise<T>): Promise<T>;
}

export function authorizationMemory(): AuthorizationMemory {
  const memory = new Map<string, PaymentMemory>();
  const running = new Map<string, Promise<unknown>>();

  let lastSweep = 0;
  function forgetOld(): void {
    const now = Date.now();
    if (now - lastSweep < SWEEP_INTERVAL_MS) return;
    lastSweep = now;
    for (const [paymentId, entry] of memory) {
      const usableUntil = entry.signed ? Number(entry.signed.validBefore + CLOCK_SKEW_SECONDS) * 1000 : entry.createdAt;
      if (now - usableUntil > RETENTION_MS) memory.delete(paymentId);
    }
  }

  return {
    entry(paymentId) {
      forgetOld();
      const entry = memory.get(paymentId) ?? { createdAt: Date.now(), signed: null, settled: null };
      memory.set(paymentId, entry);
      return entry;
    },
    find: (paymentId) => memory.get(paymentId),
    isRunning: (paymentId) => running.has(paymentId),
    async oneAtATime<T>(paymentId: string, run: () => Promise<T>): Promise<T> {
      const previous = running.get(paymentId) ?? Promise.resolve();
      const current = previous.catch(() => undefined).then(run);
      const tail = current.catch(() => undefined);
      running.set(paymentId, tail);
      try {
        return await current;
      } finally {
        if (running.get(paymentId) === tail) running.delete(paymentId);
      }
    },
  };
}

function nowSeconds(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}

/** Whether an authorization valid before `validBefore` (unix seconds) can no longer settle, allowing for clock skew. */
export function isPastUse(validBefore: bigint): boolean {
  return nowSeconds() > validBefore + CLOCK_SKEW_SECONDS;
}

/** The EIP-3009 fields of a payload built by the exact EVM scheme; null for any other shape (Permit2). */
export function readAuthorization(payload: PaymentPayload): { payer: Address; nonce: Hex; validBefore: bigint } | null {
  const authorization = payload.payload['authorization'];
  if (typeof authorization !== 'object' || authorization === null) return null;
  const { from, nonce, validBefore } = authorization as Record<string, unknown>;
  if (typeof from !== 'string' || !isAddress(from, { strict: false })) return null;
  if (typeof nonce !== 'string' || !isHex(nonce) || nonce.length !== 66) return null;
  if (typeof validBefore !== 'string' || !/^\d+$/.test(validBefore)) return null;
  return { payer: from, nonce, validBefore: BigInt(validBefore) };
}

/** The authorization a payment's stored details name (written by settlementDetails), or null. */
export function authorizationFromDetails(details: Record<string, string>): { asset: Address; payer: Address; nonce: Hex; validBefore: bigint | null } | null {
  const { asset, payer, nonce, valid_before: validBefore } = details;
  if (!asset || !isAddress(asset, { strict: false }) || !payer || !isAddress(payer, { strict: false })) return null;
  if (!nonce || !isHex(nonce) || nonce.length !== 66) return null;
  return { asset, payer, nonce, validBefore: validBefore && /^\d+$/.test(validBefore) ? BigInt(validBefore) : null };
}

/** What we signed for: our wallet, the option we chose, its exact amount. */
export function settlementDetails(auth: SignedAuthorization): Record<string, string> {
  const amount = BigInt(auth.requirement.amount);
  return {
    network: auth.requirement.network,
    payer: auth.payer,
    pay_to: auth.requirement.payTo,
    asset: auth.requirement.asset,
    amount_atomic: amount.toString(),
    amount_minor: atomicToMinorString(amount, auth.decimals),
    nonce: auth.nonce,
    valid_before: auth.validBefore.toString(),
  };
}

/** When the authorization was used but its transaction is not visible, the authorization itself identifies the payment. */
export const authorizationReference = (auth: { payer: string; nonce: string }): string => `eip3009:${auth.payer}:${auth.nonce}`;
