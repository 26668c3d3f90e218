import { z } from 'zod';
import { retryingTransaction } from '../../../lib/transaction.ts';
import { CapabilityError, type CapabilityHandler } from '../run-host.ts';
import { isValidKey, KEY_RULE, MiB, parseArgs, PREFIX_PATTERN, requireCapability } from './support.ts';
import { deleteFile, filesUsage, findFile, listFileKeys, lockDeploymentStore, upsertFile } from './storage.repo.ts';

/**
 * `ctx.storage.{put,get,list,delete}` (capability `file_storage`): text files per deployment. The
 * bytes go to the content-addressed blob store (`app.blobs`), the names to `deployment_files`.
 * Blobs are never removed by a delete: the same bytes may be another file's, or an agent's code.
 */
export const STORAGE_QUOTA_BYTES = 10 * MiB;
export const STORAGE_LIST_LIMIT = 1000;

const Key = z.string().refine(isValidKey, KEY_RULE);
const Prefix = z.string().regex(PREFIX_PATTERN, 'a prefix is up to 256 characters of letters, digits and . _ / -');

const PutArgs = z.tuple([Key, z.string({ error: 'data must be a string (encode binary data, e.g. as base64)' })]).rest(z.unknown());
const KeyArgs = z.tuple([Key]).rest(z.unknown());
const ListArgs = z.tuple([Prefix.nullish()]).rest(z.unknown());

const put: CapabilityHandler = async (app, facts, args) => {
  requireCapability(facts, 'ctx.storage.put', 'file_storage');
  const [key, data] = parseArgs(PutArgs, args, 'ctx.storage.put');
  const bytes = Buffer.from(data, 'utf8');
  if (bytes.length > STORAGE_QUOTA_BYTES) throw quotaExceeded();
  const blob = await app.blobs.put(bytes);
  await retryingTransaction(app.database.db, async (tx) => {
    await lockDeploymentStore(tx, facts.deploymentId, 'files');
    if ((await filesUsage(tx, facts.deploymentId, key)) + blob.size > STORAGE_QUOTA_BYTES) throw quotaExceeded();
    await upsertFile(tx, { deploymentId: facts.deploymentId, key, sha256: blob.sha256, size: blob.size, updatedAt: app.clock() });
  });
  return { key, size: blob.size };
};

const get: CapabilityHandler = async (app, facts, args) => {
  requireCapability(facts, 'ctx.storage.get', 'file_storage');
  const [key] = parseArgs(KeyArgs, args, 'ctx.storage.get');
  const file = await findFile(app.database.db, facts.deploymentId, key);
  if (!file) return null;
  const bytes = await app.blobs.get(file.sha256);
  if (!bytes) {
    app.log.error({ deploymentId: facts.deploymentId, sha256: file.sha256 }, 'a deployment file names a blob the store does not have');
    throw new CapabilityError('storage_unavailable', 'ctx.storage.get: the file could not be read.');
  }
  return bytes.toString('utf8');
};

const list: CapabilityHandler = async (app, facts, args) => {
  requireCapability(facts, 'ctx.storage.list', 'file_storage');
  const [prefix] = parseArgs(ListArgs, args, 'ctx.storage.list');
  return listFileKeys(app.database.db, facts.deploymentId, prefix ?? '', STORAGE_LIST_LIMIT);
};

const remove: CapabilityHandler = async (app, facts, args) => {
  requireCapability(facts, 'ctx.storage.delete', 'file_storage');
  const [key] = parseArgs(KeyArgs, args, 'ctx.storage.delete');
  return deleteFile(app.database.db, facts.deploymentId, key);
};

const quotaExceeded = () => new CapabilityError('storage_quota_exceeded', `ctx.storage.put: the deployment's files would take more than ${STORAGE_QUOTA_BYTES / MiB} MiB.`);

export const storageCapabilities = { 'storage.put': put, 'storage.get': get, 'storage.list': list, 'storage.delete': remove } as const;
