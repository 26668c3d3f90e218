#!/usr/bin/env node
// Verifies an agent account's FrameOS receipt chain without trusting the server and without any
// FrameOS code: only RFC 8785 canonical JSON (`canonicalize`), SHA-256 and Ed25519 (`node:crypto`)
// and the HTTP API. The algorithm is described in docs/receipts.md.
//
//   npm install canonicalize
//   node examples/verify-receipts.mjs --base-url http://localhost:3000 --token <key> --agent <aga_…>
//
// Exit status: 0 the chain is valid; 1 the chain is broken (the first invalid seq is printed);
// 2 the chain could not be checked (bad arguments, network or HTTP error).

import { Buffer } from 'node:buffer';
import { createHash, createPublicKey, verify } from 'node:crypto';
import process from 'node:process';
import { pathToFileURL } from 'node:url';
import canonicalize from 'canonicalize';

/** The prev_hash of seq 1. */
export const GENESIS_HASH = '0'.repeat(64);
const HEX_SHA256 = /^[0-9a-f]{64}$/;
const ED25519_SIGNATURE = /^[A-Za-z0-9_-]{86}$/;
const PAGE_LIMIT = 100;

/** Lowercase hex SHA-256 of the RFC 8785 canonical JSON of the receipt without `hash` and `signature`. */
export function receiptHash(receipt) {
  const { hash: _hash, signature: _signature, ...content } = receipt;
  return createHash('sha256').update(canonicalize(content), 'utf8').digest('hex');
}

function publicKeyFor(jwks, kid) {
  const jwk = (jwks?.keys ?? []).find((k) => k.kid === kid);
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519') return null;
  try {
    return createPublicKey({ key: jwk, format: 'jwk' });
  } catch {
    return null;
  }
}

/** Ed25519 over the ASCII bytes of the hex hash, signature in base64url, key picked by `signing_kid`. */
export function receiptSignatureVerifies(receipt, jwks) {
  const key = publicKeyFor(jwks, receipt.signing_kid);
  if (!key || typeof receipt.signature !== 'string' || !ED25519_SIGNATURE.test(receipt.signature)) return false;
  return verify(null, Buffer.from(receipt.hash, 'ascii'), key, Buffer.from(receipt.signature, 'base64url'));
}

/** Why `receipt` does not extend the chain at `expectedSeq` after `expectedPrevHash`, or null if it does. */
function breakOf(receipt, expectedSeq, expectedPrevHash, jwks, agentAccountId) {
  if (receipt === null || typeof receipt !== 'object') return 'not_an_object';
  if (receipt.seq !== expectedSeq) return Number.isInteger(receipt.seq) && receipt.seq > expectedSeq ? 'seq_gap' : 'seq_out_of_order';
  if (agentAccountId !== undefined && receipt.agent_account_id !== agentAccountId) return 'wrong_agent_account';
  if (receipt.prev_hash !== expectedPrevHash) return 'prev_hash_mismatch';
  let recomputed;
  try {
    recomputed = receiptHash(receipt);
  } catch {
    return 'not_canonicalizable';
  }
  if (typeof receipt.hash !== 'string' || !HEX_SHA256.test(receipt.hash) || recomputed !== receipt.hash) return 'hash_mismatch';
  if (!publicKeyFor(jwks, receipt.signing_kid)) return 'unknown_signing_kid';
  if (!receiptSignatureVerifies(receipt, jwks)) return 'bad_signature';
  return null;
}

/**
 * Verifies a whole chain, seq 1 first, exactly as the API returned it (no sorting: a list out of
 * order is itself a break). `options.agentAccountId` pins every receipt to one account;
 * `options.expectedHeads` is a list of `{ seq, hash }` that must be on the chain — the server's
 * own view from GET /receipts/verify, or a head you recorded on an earlier run (which catches a
 * chain that was cut short or rewritten since). Returns the first invalid seq and why.
 */
export function verifyReceiptChain(receipts, jwks, options = {}) {
  let prevHash = GENESIS_HASH;
  let firstInvalid = null;
  for (const [index, receipt] of receipts.entries()) {
    const reason = breakOf(receipt, index + 1, prevHash, jwks, options.agentAccountId);
    if (reason) {
      firstInvalid = { seq: index + 1, reason };
      break;
    }
    prevHash = receipt.hash;
  }
  const verifiedLength = firstInvalid ? firstInvalid.seq - 1 : receipts.length;
  for (const expected of options.expectedHeads ?? []) {
    if (expected.seq === 0) continue;
    const reason = expected.seq > receipts.length ? 'chain_shorter_than_expected' : receipts[expected.seq - 1]?.hash !== expected.hash ? 'head_mismatch' : null;
    const seq = Math.min(expected.seq, receipts.length + 1);
    if (reason && (firstInvalid === null || seq < firstInvalid.seq)) firstInvalid = { seq, reason };
  }
  return {
    valid: firstInvalid === null,
    length: receipts.length,
    verified_length: firstInvalid ? Math.min(verifiedLength, firstInvalid.seq - 1) : verifiedLength,
    head_hash: firstInvalid ? null : prevHash,
    first_invalid_seq: firstInvalid?.seq ?? null,
    reason: firstInvalid?.reason ?? null,
  };
}

async function getJson(fetchFn, url, token) {
  const headers = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const res = await fetchFn(url, { headers });
  if (!res.ok) throw new Error(`GET ${url} answered ${res.status}: ${JSON.stringify(await res.json().catch(() => null))}`);
  return res.json();
}

/**
 * Fetches what a verifier needs: the JWKS, the server's own verdict, then every receipt page.
 * The verdict is fetched first so that receipts appended meanwhile only make the list longer.
 * `fetchFn` is any fetch-like function (url, { headers }) → { ok, status, json() }.
 */
export async function fetchReceiptChain({ baseUrl, token, agentAccountId, fetchFn = globalThis.fetch, pageLimit = PAGE_LIMIT }) {
  const base = baseUrl.replace(/\/+$/, '');
  const agent = encodeURIComponent(agentAccountId);
  const jwks = await getJson(fetchFn, `${base}/.well-known/jwks.json`);
  const serverView = await getJson(fetchFn, `${base}/receipts/verify?agent_account_id=${agent}`, token);
  const receipts = [];
  let afterSeq = 0;
  for (;;) {
    const page = await getJson(fetchFn, `${base}/receipts?agent_account_id=${agent}&after_seq=${afterSeq}&limit=${pageLimit}`, token);
    receipts.push(...page.data);
    if (!page.has_more) break;
    if (typeof page.next_after_seq !== 'number' || page.next_after_seq <= afterSeq) throw new Error('the receipt list does not advance');
    afterSeq = page.next_after_seq;
  }
  return { jwks, serverView, receipts };
}

/**
 * Fetches and verifies one agent account's chain. The server's head (from GET /receipts/verify)
 * must be on the chain we verified ourselves; `expectedHeads` adds heads recorded earlier.
 */
export async function verifyAgentChain({ expectedHeads = [], ...source }) {
  const attempt = async () => {
    const { jwks, serverView, receipts } = await fetchReceiptChain(source);
    const serverHead = serverView.valid ? [{ seq: serverView.length, hash: serverView.head_hash }] : [];
    const result = verifyReceiptChain(receipts, jwks, { agentAccountId: source.agentAccountId, expectedHeads: [...serverHead, ...expectedHeads] });
    return { ...result, server: serverView };
  };
  const first = await attempt();
  if (!first.valid || first.server.valid) return first;
  // We found nothing wrong but the server did. Look once more — a payment committing during its
  // check can make it report a false break — and if it still disagrees, the worse verdict wins:
  // only the server sees its chain-head record, which reveals receipts cut off the end.
  const second = await attempt();
  if (!second.valid || second.server.valid) return second;
  return { ...second, valid: false, head_hash: null, first_invalid_seq: second.server.first_invalid_seq, reason: 'server_reports_invalid' };
}

function parseArgs(argv) {
  const args = { baseUrl: process.env.FRAMEOS_BASE_URL, token: process.env.FRAMEOS_TOKEN, agentAccountId: undefined, expectedHeads: [] };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`${flag} needs a value`);
    if (flag === '--base-url') args.baseUrl = value;
    else if (flag === '--token') args.token = value;
    else if (flag === '--agent') args.agentAccountId = value;
    else if (flag === '--expect-head') {
      const match = /^(\d+):([0-9a-f]{64})$/.exec(value);
      if (!match) throw new Error('--expect-head takes <seq>:<64 hex chars>');
      args.expectedHeads.push({ seq: Number(match[1]), hash: match[2] });
    } else throw new Error(`unknown option ${flag}`);
  }
  if (!args.baseUrl || !args.token || !args.agentAccountId) throw new Error('--base-url, --token and --agent are required');
  return args;
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (error) {
    console.error(`${error.message}\nusage: node examples/verify-receipts.mjs --base-url <url> --token <key> --agent <aga_…> [--expect-head <seq>:<hash>]`);
    return 2;
  }
  let result;
  try {
    result = await verifyAgentChain(args);
  } catch (error) {
    console.error(`could not verify: ${error.message}`);
    return 2;
  }
  if (result.valid) {
    console.log(`valid: ${result.length} receipts, head seq ${result.length} hash ${result.head_hash}`);
    return 0;
  }
  console.log(`INVALID: first invalid seq ${result.first_invalid_seq} (${result.reason}); ${result.verified_length} of ${result.length} receipts verified`);
  return 1;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.exitCode = await main();
}
