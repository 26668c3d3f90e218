/**
 * The x402 (protocol v2) rail: FrameOS pays a vendor's HTTP endpoint by answering its `402 Payment
 * Required` with a signed EIP-3009 `transferWithAuthorization` from the operator's wallet; the vendor's
 * facilitator settles it on chain. Wire format, payload building and signing come from the official
 * `@x402/*` packages; this file only decides what we agree to pay and translates the outcome.
 *
 * No double charge: an EIP-3009 authorization carries a random nonce the token contract accepts once.
 * A retry of `charge` for the same payment re-sends the same signed authorization, so however many
 * times it is sent, at most one transfer can settle.
 */
import { x402Client, x402HTTPClient } from '@x402/core/client';
import type { Network, PaymentPayload, PaymentRequired, PaymentRequirements, SettleResponse } from '@x402/core/types';
import { ExactEvmScheme } from '@x402/evm/exact/client';
import { BaseError, createPublicClient, http, isAddress, isHash, isHex, parseAbi, type Address, type Hex } from 'viem';
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

const X402_VERSION = 2;
const DEFAULT_ASSET_DECIMALS = 6;
/** USD minor units are cents: two decimal places. */
const USD_MINOR_DECIMALS = 2;
/** Chain clocks lag wall clocks; an authorization is treated as still usable this long after `validBefore`. */
const CLOCK_SKEW_SECONDS = 60n;
/** How long a signed authorization is remembered after it stops being usable, to check the chain before signing anew. */
const RETENTION_MS = 24 * 60 * 60 * 1000;
const SWEEP_INTERVAL_MS = 60 * 1000;
/** The settlement of an authorization lies within its short validity window; look this far back for its event. */
const LOG_LOOKBACK_BLOCKS = 50_000n;
const NONCE_ALREADY_USED = 'nonce_already_used';

const EIP3009_ABI = parseAbi([
  'function authorizationState(address authorizer, bytes32 nonce) view returns (bool)',
  'event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce)',
]);

export interface X402RailOptions {
  fetch?: typeof fetch;
}

interface VendorSettings {
  endpointUrl: string;
  method: string;
  payTo: string | null;
  asset: Address;
  decimals: number;
}

/** The signed authorization for one payment, kept so every retry sends exactly these bytes. */
interface SignedAuthorization {
  headers: Record<string, string>;
  requirement: PaymentRequirements;
  payer: Address;
  nonce: Hex;
  validBefore: bigint;
  decimals: number;
}

interface PaymentMemory {
  createdAt: number;
  signed: SignedAuthorization | null;
  /** Set once settled, so a retry answers without touching the vendor. */
  settled: RailPaymentResult | null;
}

// ---------------------------------------------------------------------------------------------------
// money

/** Exact USD cents → token atomic units: cents × 10^(decimals − 2). Below two decimals it rounds down, never over the mandate. */
export function centsToAtomic(cents: bigint, decimals: number): bigint {
  if (decimals >= USD_MINOR_DECIMALS) return cents * 10n ** BigInt(decimals - USD_MINOR_DECIMALS);
  return cents / 10n ** BigInt(USD_MINOR_DECIMALS - decimals);
}

/** Token atomic units → USD cents as an exact decimal string ("12", or "1.0001" for a sub-cent price). */
export function atomicToMinorString(atomic: bigint, decimals: number): string {
  if (decimals <= USD_MINOR_DECIMALS) return (atomic * 10n ** BigInt(USD_MINOR_DECIMALS - decimals)).toString();
  const places = decimals - USD_MINOR_DECIMALS;
  const scale = 10n ** BigInt(places);
  const fraction = (atomic % scale).toString().padStart(places, '0').replace(/0+$/, '');
  return fraction ? `${atomic / scale}.${fraction}` : (atomic / scale).toString();
}

// ---------------------------------------------------------------------------------------------------
// vendor settings and requirement policy

function notConfigured(message: string): RailError {
  return new RailError('vendor_not_configured', message, false);
}

function readVendorSettings(settings: Record<string, unknown>): VendorSettings {
  const endpointUrl = settings['endpoint_url'];
  if (typeof endpointUrl !== 'string' || !URL.canParse(endpointUrl)) throw notConfigured('x402 vendor has no valid endpoint_url');
  const asset = settings['asset'];
  if (typeof asset !== 'string' || !isAddress(asset, { strict: false })) throw notConfigured('x402 vendor has no valid asset (token contract address)');
  const method = settings['method'] ?? 'GET';
  if (typeof method !== 'string' || !/^[A-Z]+$/i.test(method)) throw notConfigured('x402 vendor method must be an HTTP method such as GET or POST');
  const payTo = settings['pay_to'] ?? null;
  if (payTo !== null && (typeof payTo !== 'string' || payTo === '')) throw notConfigured('x402 vendor pay_to must be an address');
  const decimals = settings['asset_decimals'] ?? DEFAULT_ASSET_DECIMALS;
  if (typeof decimals !== 'number' || !Number.isInteger(decimals) || decimals < 0 || decimals > 36) {
    throw notConfigured('x402 vendor asset_decimals must be an integer from 0 to 36');
  }
  return { endpointUrl, method: method.toUpperCase(), payTo, asset, decimals };
}

interface Policy {
  network: string;
  asset: string;
  payTo: string | null;
  capAtomic: bigint;
  /** Atomic units per cent: the ledger records whole cents, so a price must be a whole number of them. */
  atomicPerCent: bigint;
}

const sameAddress = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Why we will not pay this option, or null when our policy allows it. */
function refusalReason(option: PaymentRequirements, policy: Policy): string | null {
  if (typeof option !== 'object' || option === null) return 'not a payment option';
  if (option.scheme !== 'exact') return `scheme ${option.scheme} is not exact`;
  if (option.network !== policy.network) return `network ${option.network} is not ${policy.network}`;
  if (typeof option.asset !== 'string' || !sameAddress(option.asset, policy.asset)) return `asset ${option.asset} is not ${policy.asset}`;
  if (typeof option.payTo !== 'string' || !isAddress(option.payTo, { strict: false })) return `payTo ${option.payTo} is not an address`;
  if (policy.payTo !== null && !sameAddress(option.payTo, policy.payTo)) return `payTo ${option.payTo} is not the vendor's ${policy.payTo}`;
  if (typeof option.amount !== 'string' || !/^[1-9]\d*$/.test(option.amount)) return `amount ${option.amount} is not a positive integer`;
  if (BigInt(option.amount) > policy.capAtomic) return `amount ${option.amount} exceeds the mandate's ${policy.capAtomic} atomic units`;
  if (BigInt(option.amount) % policy.atomicPerCent !== 0n) return `amount ${option.amount} is not a whole number of cents, which the ledger could not record exactly`;
  const transfer = option.extra?.['assetTransferMethod'];
  if (transfer !== undefined && transfer !== 'eip3009') return `asset transfer method ${String(transfer)} is not eip3009`;
  if (typeof option.extra?.['name'] !== 'string' || typeof option.extra?.['version'] !== 'string') return 'the token EIP-712 domain (extra.name, extra.version) is missing';
  return null;
}

function sameOption(a: PaymentRequirements, b: PaymentRequirements): boolean {
  return a.scheme === b.scheme && a.network === b.network && a.amount === b.amount && sameAddress(a.asset, b.asset) && sameAddress(a.payTo, b.payTo);
}

/** The cheapest option our policy allows (the vendor's order breaks ties), or why none is. */
function chooseRequirement(offer: PaymentRequired, policy: Policy): { chosen: PaymentRequirements } | { why: string } {
  if (offer.x402Version !== X402_VERSION) return { why: `x402 version ${offer.x402Version} is not supported (only ${X402_VERSION})` };
  const accepts = Array.isArray(offer.accepts) ? offer.accepts : [];
  const reasons: string[] = [];
  let chosen: PaymentRequirements | null = null;
  accepts.forEach((option, index) => {
    const reason = refusalReason(option, policy);
    if (reason) reasons.push(`[${index}] ${reason}`);
    else if (!chosen || BigInt(option.amount) < BigInt(chosen.amount)) chosen = option;
  });
  if (chosen) return { chosen };
  return { why: accepts.length === 0 ? 'the vendor offered no payment options' : `no payment option is acceptable: ${reasons.join('; ')}` };
}

// ---------------------------------------------------------------------------------------------------
// HTTP

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
// chain

interface ChainReader {
  authorizationUsed(auth: { asset: Address; payer: Address; nonce: Hex }, signal: AbortSignal): Promise<boolean>;
  /** The transaction that used the authorization, when the node still serves its event. */
  settlementTransaction(auth: { asset: Address; payer: Address; nonce: Hex }, signal: AbortSignal): Promise<Hex | null>;
}

function chainReader(rpcUrl: string): ChainReader {
  // A client per call: viem has no per-call abort, but its transport takes fetch options.
  const client = (signal: AbortSignal) => createPublicClient({ transport: http(rpcUrl, { retryCount: 0, fetchOptions: { signal } }) });
  const wrap = async <T>(signal: AbortSignal, run: () => Promise<T>): Promise<T> => {
    try {
      return await run();
    } catch (error) {
      // viem's full message names the RPC URL, which may embed an API key; its short message does not.
      const reason = signal.aborted ? 'did not answer in time' : `failed: ${error instanceof BaseError ? error.shortMessage : 'unexpected error'}`;
      throw new RailError('x402_rpc_error', `x402 chain RPC ${reason}`, true);
    }
  };
  return {
    authorizationUsed: (auth, signal) =>
      wrap(signal, () =>
        client(signal).readContract({ address: auth.asset, abi: EIP3009_ABI, functionName: 'authorizationState', args: [auth.payer, auth.nonce] }),
      ),
    settlementTransaction: async (auth, signal) => {
      try {
        const reader = client(signal);
        const latest = await reader.getBlockNumber();
        const logs = await reader.getLogs({
          address: auth.asset,
          event: EIP3009_ABI[1],
          args: { authorizer: auth.payer, nonce: auth.nonce },
          fromBlock: latest > LOG_LOOKBACK_BLOCKS ? latest - LOG_LOOKBACK_BLOCKS : 0n,
          toBlock: latest,
        });
        return logs[0]?.transactionHash ?? null;
      } catch {
        // Only a nicer reference is lost: the authorization state already proved the payment.
        return null;
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------------
// results

/** What we signed for: our wallet, the option we chose, its exact amount. */
function settlementDetails(auth: SignedAuthorization): Record<string, string> {
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

const failed = (code: string, message: string): RailPaymentResult => ({ outcome: 'failed', reference: null, code, message });

/** When the authorization was used but its transaction is not visible, the authorization itself identifies the payment. */
const authorizationReference = (auth: { payer: string; nonce: string }): string => `eip3009:${auth.payer}:${auth.nonce}`;

function nowSeconds(): bigint {
  return BigInt(Math.floor(Date.now() / 1000));
}

function isPastUse(validBefore: bigint): boolean {
  return nowSeconds() > validBefore + CLOCK_SKEW_SECONDS;
}

/** The EIP-3009 fields of a payload built by the exact EVM scheme; null for any other shape (Permit2). */
function readAuthorization(payload: PaymentPayload): { payer: Address; nonce: Hex; validBefore: bigint } | null {
  const authorization = payload.payload['authorization'];
  if (typeof authorization !== 'object' || authorization === null) return null;
  const { from, nonce, validBefore } = authorization as Record<string, unknown>;
  if (typeof from !== 'string' || !isAddress(from, { strict: false })) return null;
  if (typeof nonce !== 'string' || !isHex(nonce) || nonce.length !== 66) return null;
  if (typeof validBefore !== 'string' || !/^\d+$/.test(validBefore)) return null;
  return { payer: from, nonce, validBefore: BigInt(validBefore) };
}

// ---------------------------------------------------------------------------------------------------
// the adapter

export function createX402Rail(config: X402RailConfig, options: X402RailOptions = {}): RailAdapter {
  const fetchFn = options.fetch ?? fetch;
  const account: PrivateKeyAccount = privateKeyToAccount(config.walletPrivateKey);
  const parser = new x402HTTPClient(new x402Client());
  const chain = config.rpcUrl ? chainReader(config.rpcUrl) : null;
  const memory = new Map<string, PaymentMemory>();
  const running = new Map<string, Promise<unknown>>();

  /** Calls for one payment run one at a time, so a retry never races the attempt it retries into a second signature. */
  async function oneAtATime<T>(paymentId: string, run: () => Promise<T>): Promise<T> {
    const previous = running.get(paymentId) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(run);
    const tail = current.catch(() => undefined);
    running.set(paymentId, tail);
    try {
      return await current;
    } finally {
      if (running.get(paymentId) === tail) running.delete(paymentId);
    }
  }

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
    forgetOld();
    const entry = memory.get(request.paymentId) ?? { createdAt: Date.now(), signed: null, settled: null };
    memory.set(request.paymentId, entry);
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
    if (running.has(request.paymentId)) return { outcome: 'unknown', message: 'an x402 charge for this payment is still in progress' };
    const entry = memory.get(request.paymentId);
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
    charge: (request: RailChargeRequest, { signal }: RailCallOptions) => oneAtATime(request.paymentId, () => charge(request, signal)),
    status: (request: RailStatusRequest, { signal }: RailCallOptions) => status(request, signal),
    refund: (): Promise<RailRefundResult> =>
      Promise.resolve({
        outcome: 'failed',
        code: 'refund_not_supported',
        message: 'x402 has no refund protocol: a settled on-chain transfer can only be returned by the vendor sending funds back',
      }),
  };
}

function authorizationFromDetails(details: Record<string, string>): { asset: Address; payer: Address; nonce: Hex; validBefore: bigint | null } | null {
  const { asset, payer, nonce, valid_before: validBefore } = details;
  if (!asset || !isAddress(asset, { strict: false }) || !payer || !isAddress(payer, { strict: false })) return null;
  if (!nonce || !isHex(nonce) || nonce.length !== 66) return null;
  return { asset, payer, nonce, validBefore: validBefore && /^\d+$/.test(validBefore) ? BigInt(validBefore) : null };
}
