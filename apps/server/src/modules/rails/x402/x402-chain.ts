/**
 * Reads the EIP-3009 token contract: whether an authorization (payer + nonce) was used, and by which
 * transaction. The chain, not the vendor's answer, is what proves an x402 payment moved money.
 */
import { BaseError, createPublicClient, http, parseAbi, type Address, type Hex } from 'viem';
import { RailError } from '../rail-adapter.ts';

/** The settlement of an authorization lies within its short validity window; look this far back for its event. */
const LOG_LOOKBACK_BLOCKS = 50_000n;

const EIP3009_ABI = parseAbi([
  'function authorizationState(address authorizer, bytes32 nonce) view returns (bool)',
  'event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce)',
]);

/** One EIP-3009 authorization on one token contract. */
export interface AuthorizationTarget {
  asset: Address;
  payer: Address;
  nonce: Hex;
}

export interface ChainReader {
  authorizationUsed(auth: AuthorizationTarget, signal: AbortSignal): Promise<boolean>;
  /** The transaction that used the authorization, when the node still serves its event. */
  settlementTransaction(auth: AuthorizationTarget, signal: AbortSignal): Promise<Hex | null>;
}

export function chainReader(rpcUrl: string): ChainReader {
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
