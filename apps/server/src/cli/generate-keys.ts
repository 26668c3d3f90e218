import { randomBytes } from 'node:crypto';
import { generateSigningSeed, signingKeyFromSeed } from '@frameos/domain';

/** Prints fresh production secrets. Nothing is written anywhere: put them in your secret store. */
const seed = generateSigningSeed();
const key = await signingKeyFromSeed(seed);
console.log(`MANDATE_SIGN_KEY=${seed}`);
console.log(`JWT_SECRET=${randomBytes(32).toString('base64url')}`);
console.log(`SECRETS_ENCRYPTION_KEY=${randomBytes(32).toString('base64url')}`);
console.log(`# signing key id (kid): ${key.kid}`);
