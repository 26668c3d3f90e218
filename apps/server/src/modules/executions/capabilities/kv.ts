import { z } from 'zod';
import { retryingTransaction } from '../../../lib/transaction.ts';
import { CapabilityError, type CapabilityHandler } from '../run-host.ts';
import { isValidKey, jsonSize, KEY_RULE, KiB, MiB, parseArgs, PREFIX_PATTERN, requireCapability } from './support.ts';
import { deleteKv, findKv, kvUsage, listKvKeys, upsertKv } from './kv.repo.ts';
import { lockDeploymentStore } from './storage.repo.ts';

/**
 * `ctx.db.{get,put,delete,list}` (capabilities `database_read`: get and list; `database_write`:
 * all four): a JSON key–value store per deployment in `deployment_kv`.
 */
export const KV_VALUE_MAX_BYTES = 256 * KiB;
export const KV_QUOTA_BYTES = 10 * MiB;
export const KV_LIST_LIMIT = 1000;

const Key = z.string().refine(isValidKey, KEY_RULE);
const Prefix = z.string().regex(PREFIX_PATTERN, 'a prefix is up to 256 characters of letters, digits and . _ / -');
const KeyArgs = z.tuple([Key]).rest(z.unknown());
const PutArgs = z.tuple([Key, z.unknown()]).rest(z.unknown());
const ListArgs = z.tuple([Prefix.nullish()]).rest(z.unknown());

const READ = ['database_read', 'database_write'];

const get: CapabilityHandler = async (app, facts, args) => {
  requireCapability(facts, 'ctx.db.get', ...READ);
  const [key] = parseArgs(KeyArgs, args, 'ctx.db.get');
  return (await findKv(app.database.db, facts.deploymentId, key))?.value ?? null;
};

const list: CapabilityHandler = async (app, facts, args) => {
  requireCapability(facts, 'ctx.db.list', ...READ);
  const [prefix] = parseArgs(ListArgs, args, 'ctx.db.list');
  return listKvKeys(app.database.db, facts.deploymentId, prefix ?? '', KV_LIST_LIMIT);
};

const put: CapabilityHandler = async (app, facts, args) => {
  requireCapability(facts, 'ctx.db.put', 'database_write');
  const [key, value] = parseArgs(PutArgs, args, 'ctx.db.put');
  // null is what get answers for a missing key, so it is not stored: delete the key instead.
  if (value === null || value === undefined) throw new CapabilityError('invalid_arguments', 'ctx.db.put: the value may not be null or undefined (use ctx.db.delete).');
  const size = jsonSize(value);
  if (size === null) throw new CapabilityError('invalid_arguments', 'ctx.db.put: the value must be JSON.');
  if (size > KV_VALUE_MAX_BYTES) throw new CapabilityError('value_too_large', `ctx.db.put: the value is larger than ${KV_VALUE_MAX_BYTES / KiB} KiB as JSON.`);
  // PostgreSQL's jsonb cannot hold the NUL character.
  if (/(?<!\\)(?:\\\\)*\\u0000/.test(JSON.stringify(value))) throw new CapabilityError('invalid_arguments', 'ctx.db.put: the value may not contain the NUL character (\\u0000).');
  await retryingTransaction(app.database.db, async (tx) => {
    await lockDeploymentStore(tx, facts.deploymentId, 'kv');
    if ((await kvUsage(tx, facts.deploymentId, key)) + size > KV_QUOTA_BYTES) {
      throw new CapabilityError('db_quota_exceeded', `ctx.db.put: the deployment's values would take more than ${KV_QUOTA_BYTES / MiB} MiB.`);
    }
    await upsertKv(tx, { deploymentId: facts.deploymentId, key, value, size, updatedAt: app.clock() });
  });
  return true;
};

const remove: CapabilityHandler = async (app, facts, args) => {
  requireCapability(facts, 'ctx.db.delete', 'database_write');
  const [key] = parseArgs(KeyArgs, args, 'ctx.db.delete');
  return deleteKv(app.database.db, facts.deploymentId, key);
};

export const kvCapabilities = { 'db.get': get, 'db.list': list, 'db.put': put, 'db.delete': remove } as const;
