/**
 * The x402 (protocol v2) rail: FrameOS pays a vendor's HTTP endpoint by answering its `402 Payment
 * Required` with a signed EIP-3009 `transferWithAuthorization` from the operator's wallet; the vendor's
 * facilitator settles it on chain. Wire format, payload building and signing come from the official
 * `@x402/*` packages; this file only decides what we agree to pay and translates the outcome.
 *
 * No double charge: an EIP-3009 authorization carries a random nonce the token contract accepts once.
 * A retry of `charge` for the same payment re-sends the same signed authorization, so however many
 * times it is sent, at most one transfer can settle.
 *
 * The pieces: x402-requirements.ts (vendor settings, which offered option we pay), x402-money.ts (cents
 * ↔ atomic units), x402-chain.ts (the token's authorization state), x402-authorizations.ts (what we
 * signed, per payment); this file talks to the vendor and decides the outcome.
 */
import { x402Client, x402HTTPClient } from '@x402/core/client';
import type { Network, PaymentRequired, PaymentRequirements, SettleResponse } from '@x402/core/types';
import { ExactEvmScheme } from '@x402/evm/exact/client';
import { isHash, type Address } from 'viem';
import { privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts';
import type { X402RailConfig } from '../../../config.ts';
import {
  RailError,
  type RailAdapter,
  type RailCallOptions,
  type RailChargeRequest,
  type RailPaymentResult,
  type RailRefundResult,
  type RailStatusRequest,
} from '../rail-adapter.ts';
import {
  authorizationFromDetails,
  authorizationMemory,
  authorizationReference,
  isPastUse,
  readAuthorization,
  settlementDetails,
  type PaymentMemory,
  type SignedAuthorization,
} from './x402-authorizations.ts';
import { chainReader } from './x402-chain.ts';
import { centsToAtomic } from './x402-money.ts';
import { chooseRequirement, readVendorSettings, sameOption, type VendorSettings } from './x402-requirements.ts';

const NONCE_ALREADY_USED = 'nonce_already_used';

export interface X402RailOptions {
  fetch?: typeof fetch;
}

// ---------------------------------------------------------------------------------------------------
// HTTP to the vendor

const headerReader = (response: Response) => (name: string) => response.headers.get(name);

/** One HTTP call to the vendor; no answer (connection refused, reset, aborted) is transient. */
async function vendorRequest(fetchFn: typeof fetch, url: string, method: string, headers: Record<string, string>, signal: AbortSignal): Promise<Response> {
  try {
    // No redirects: a signed payment header must reach only the endpoint the vendor registered.
    return await fetchFn(url, { method, headers, signal, redirect: 'manual' });
  } catch (error) {
    const host = new URL(url).host;
    if (signal.aborted) throw new RailError('x402_timeout', `x402 vendor ${host} did not answer in time`, true);
    throw new RailError('x402_network_error', `x402 vendor ${host} is unreachable: ${error instanceof Error ? error.message : String(error)}`, true);
  }
}

/** We never use the resource itself; release the connection. */
async function discardBody(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

function isTransientStatus(status: number): boolean {
  return status >= 500 || status === 429;
}

function transientStatus(response: Response, what: string): RailError {
  return new RailError('x402_vendor_unavailable', `x402 vendor answered ${response.status} to the ${what}`, true, response.status);
}

/** The headers are the vendor's JSON: anything that is not an object counts as absent. */
function decodeSettlement(parser: x402HTTPClient, response: Response): SettleResponse | null {
  try {
    const settlement = parser.getPaymentSettleResponse(headerReader(response));
    return typeof settlement === 'object' && settlement !== null ? settlement : null;
  } catch {
    return null;
  }
}

function decodeOffer(parser: x402HTTPClient, response: Response): PaymentRequired | null {
  try {
    const offer = parser.getPaymentRequiredResponse(headerReader(response));
    return typeof offer === 'object' && offer !== null ? offer : null;
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------------
// results

const failed = (code: string, message: string): RailPaymentResult => ({ outcome: 'failed', reference: null, code, message });

// ---------------------------------------------------------------------------------------------------
// the adapter

export function createX402Rail(config: X402RailConfig, options: X402RailOptions = {}): RailAdapter {
  const fetchFn = options.fetch ?? fetch;
  const account: PrivateKeyAccount = privateKeyToAccount(config.walletPrivateKey);
  const parser = new x402HTTPClient(new x402Client());
  const chain = config.rpcUrl ? chainReader(config.rpcUrl) : null;
  const memory = authorizationMemory();

  async function sign(offer: PaymentRequired, chosen: PaymentRequirements, settings: VendorSettings, capAtomic: bigint): Promise<SignedAuthorization | string> {
    const client = x402Client.fromConfig({
      schemes: [{ network: config.network as Network, client: new ExactEvmScheme(account) }],
      // The package refuses tokens it does not know unless listed; the cap repeats our own check.
      spendControls: { allowedAssets: [{ network: config.network as Network, asset: chosen.asset, maxAmountPerPayment: capAtomic.toString() }] },
      policies: [(_version, options) => options.filter((option) => sameOption(option, chosen))],
    });
    try {
      const payload = await new x402HTTPClient(client).createPaymentPayload(offer);
      const authorization = readAuthorization(payload);
      if (!authorization) return 'the signed payload is not an EIP-3009 authorization';
      return { headers: new x402HTTPClient(client).encodePaymentSignatureHeader(payload), requirement: chosen, decimals: settings.decimals, ...authorization };
    } catch (error) {
      return error instanceof Error ? error.message : String(error);
    }
  }

  /** Asks the vendor what it charges, and signs the option we accept. A result means we stop here. */
  async function authorize(request: RailChargeRequest, settings: VendorSettings, signal: AbortSignal): Promise<SignedAuthorization | RailPaymentResult> {
    const response = await vendorRequest(fetchFn, settings.endpointUrl, settings.method, {}, signal);
    await discardBody(response);
    if (isTransientStatus(response.status)) throw transientStatus(response, 'payment offer request');
    if (response.status !== 402) {
      if (response.ok) return failed('x402_payment_not_required', `the vendor answered ${response.status} without asking for payment; nothing was charged`);
      throw new RailError('x402_unexpected_status', `x402 vendor answered ${response.status} instead of 402 Payment Required`, false, response.status);
    }
    const offer = decodeOffer(parser, response);
    if (!offer) throw new RailError('x402_invalid_offer', 'x402 vendor answered 402 without a readable PAYMENT-REQUIRED header', false, 402);
    const capAtomic = centsToAtomic(BigInt(request.amount), settings.decimals);
    const choice = chooseRequirement(offer, { network: config.network, asset: settings.asset, payTo: settings.payTo, capAtomic, atomicPerCent: centsToAtomic(1n, settings.decimals) || 1n });
    if ('why' in choice) return failed('x402_no_acceptable_requirement', `${choice.why}; nothing was charged`);
    const signed = await sign(offer, choice.chosen, settings, capAtomic);
    if (typeof signed === 'string') return failed('x402_no_acceptable_requirement', `could not build the payment: ${signed}; nothing was charged`);
    return signed;
  }

  async function settledOnChain(auth: SignedAuthorization, transactionHint: string | null, signal: AbortSignal): Promise<RailPaymentResult> {
    const target = { asset: auth.requirement.asset as Address, payer: auth.payer, nonce: auth.nonce };
    const found = transactionHint && isHash(transactionHint) ? transactionHint : await chain?.settlementTransaction(target, signal);
    return { outcome: 'settled', reference: found ?? authorizationReference(auth), details: settlementDetails(auth) };
  }

  /**
   * The vendor's answer does not say whether the authorization moved money (a re-sent authorization
   * refused, a settlement that failed after broadcasting): the token contract does.
   */
  async function askChain(auth: SignedAuthorization, refusal: string, transactionHint: string | null, signal: AbortSignal): Promise<RailPaymentResult> {
    if (!chain) {
      return {
        outcome: 'pending',
        reference: transactionHint && isHash(transactionHint) ? transactionHint : authorizationReference(auth),
        details: settlementDetails(auth),
      };
    }
    const used = await chain.authorizationUsed({ asset: auth.requirement.asset as Address, payer: auth.payer, nonce: auth.nonce }, signal);
    if (used) return settledOnChain(auth, transactionHint, signal);
    return failed('x402_payment_refused', `${refusal}; the authorization was not used on chain, nothing was charged`);
  }

  async function interpretPaidResponse(response: Response, auth: SignedAuthorization, resent: boolean, signal: AbortSignal): Promise<RailPaymentResult> {
    const settlement = decodeSettlement(parser, response);
    const offer = settlement ? null : response.status === 402 ? decodeOffer(parser, response) : null;
    await discardBody(response);
    if (settlement?.success) {
      if (!isHash(settlement.transaction)) return askChain(auth, 'the vendor reported a settlement without a transaction hash', null, signal);
      return { outcome: 'settled', reference: settlement.transaction, details: settlementDetails(auth) };
    }
    if (!settlement && isTransientStatus(response.status)) throw transientStatus(response, 'paid request');
    const reason = settlement
      ? `settlement failed: ${settlement.errorReason ?? 'no reason'}${settlement.errorMessage && settlement.errorMessage !== settlement.errorReason ? ` (${settlement.errorMessage})` : ''}`
      : `the vendor refused the payment (${response.status}): ${offer?.error ?? 'no reason given'}`;
    if (settlement?.transaction) return askChain(auth, reason, settlement.transaction, signal);
    if (response.ok) return askChain(auth, `the vendor answered ${response.status} without a settlement`, null, signal);
    // A fresh authorization the facilitator refused never moved money. A re-sent one may have
    // settled on an earlier attempt whose answer we lost: the chain tells.
    if (resent && (chain || reason.includes(NONCE_ALREADY_USED))) return askChain(auth, reason, null, signal);
    return failed('x402_payment_refused', `${reason}; nothing was charged`);
  }

  async function charge(request: RailChargeRequest, signal: AbortSignal): Promise<RailPaymentResult> {
    const settings = readVendorSettings(request.vendor.settings);
    if (request.currency !== 'USD') return failed('currency_not_supported', `x402 pays USD mandates only, not ${request.currency}; nothing was charged`);
    if (!Number.isSafeInteger(request.amount) || request.amount <= 0) return failed('invalid_amount', 'the amount must be a positive integer of cents; nothing was charged');
    const entry = memory.entry(request.paymentId);
    if (entry.settled) return entry.settled;
    if (entry.signed && isPastUse(entry.signed.validBefore)) {
      // Signing anew is safe only once the old authorization provably never settled.
      const before = await askChain(entry.signed, 'the previous authorization expired', null, signal);
      if (before.outcome !== 'failed') return remember(entry, before);
      entry.signed = null;
    }
    const resent = entry.signed !== null;
    if (!entry.signed) {
      const authorized = await authorize(request, settings, signal);
      if ('outcome' in authorized) return authorized;
      entry.signed = authorized;
    }
    const response = await vendorRequest(fetchFn, settings.endpointUrl, settings.method, entry.signed.headers, signal);
    return remember(entry, await interpretPaidResponse(response, entry.signed, resent, signal));
  }

  function remember(entry: PaymentMemory, result: RailPaymentResult): RailPaymentResult {
    if (result.outcome === 'settled') entry.settled = result;
    return result;
  }

  async function status(request: RailStatusRequest, signal: AbortSignal): Promise<RailPaymentResult> {
    if (memory.isRunning(request.paymentId)) return { outcome: 'unknown', message: 'an x402 charge for this payment is still in progress' };
    const entry = memory.find(request.paymentId);
    if (entry?.settled) return entry.settled;
    const auth = authorizationFromDetails(request.details) ?? (entry?.signed ? { asset: entry.signed.requirement.asset as Address, payer: entry.signed.payer, nonce: entry.signed.nonce, validBefore: entry.signed.validBefore } : null);
    if (!auth) {
      // We keep every attempt of this process: an attempt that never signed cannot have paid anything.
      if (entry) return { outcome: 'not_found' };
      return { outcome: 'unknown', message: 'no x402 authorization is known for this payment (payer, nonce and asset are needed)' };
    }
    if (!chain) return { outcome: 'unknown', message: 'x402 status needs X402_RPC_URL to read the authorization state on chain' };
    if (await chain.authorizationUsed(auth, signal)) {
      const reference = request.reference && isHash(request.reference) ? request.reference : await chain.settlementTransaction(auth, signal);
      return { outcome: 'settled', reference: reference ?? request.reference ?? authorizationReference(auth), details: request.details };
    }
    if (auth.validBefore !== null && !isPastUse(auth.validBefore)) {
      return { outcome: 'unknown', message: `the x402 authorization is unused but can still settle until ${auth.validBefore} (unix seconds)` };
    }
    return { outcome: 'not_found' };
  }

  return {
    name: 'x402',
    currencies: ['USD'],
    consistentStatusLookup: true,
    charge: (request: RailChargeRequest, { signal }: RailCallOptions) => memory.oneAtATime(request.paymentId, () => charge(request, signal)),
    status: (request: RailStatusRequest, { signal }: RailCallOptions) => status(request, signal),
    refund: (): Promise<RailRefundResult> =>
      Promise.resolve({
        outcome: 'failed',
        code: 'refund_not_supported',
        message: 'x402 has no refund protocol: a settled on-chain transfer can only be returned by the vendor sending funds back',
      }),
  };
}
