import { buildMandateClaims, type MandateClaimsInput } from '../src/index.ts';

export const ISSUED_AT = new Date('2026-03-02T06:30:00.750Z');

export const claimsInput: MandateClaimsInput = {
  mandate_id: 'mdt_01JNQ8ZK3W7Y5V2T1R0P9M8N7B',
  intent_id: 'pi_01JNQ8ZK3W7Y5V2T1R0P9M8N7C',
  agent_account_id: 'aga_01JNQ8ZK3W7Y5V2T1R0P9M8N7D',
  org_id: 'org_01JNQ8ZK3W7Y5V2T1R0P9M8N7E',
  vendor: 'openai',
  amount: 25_000,
  currency: 'INR',
  policy_id: 'pol_01JNQ8ZK3W7Y5V2T1R0P9M8N7F',
  policy_version: 3,
  nonce: 'n0nce-abc',
  issuedAt: ISSUED_AT,
  ttlSeconds: 300,
};

export const sampleClaims = buildMandateClaims(claimsInput);
