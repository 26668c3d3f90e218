import { describe, expect, it } from 'vitest';
import * as domain from '../src/index.ts';

describe('the package entry point', () => {
  it('exports exactly the agreed runtime names', () => {
    expect(Object.keys(domain).sort()).toEqual(
      [
        'DomainError',
        'DOMAIN_ERROR_CODES',
        'ID_PREFIXES',
        'hasIdPrefix',
        'CURRENCY_CODES',
        'currencyExponent',
        'isCurrencyCode',
        'addMinor',
        'addMoney',
        'assertMinorAmount',
        'formatMinor',
        'parseMajor',
        'subtractMinor',
        'subtractMoney',
        'sumMinor',
        'applyPostings',
        'assertBalancedPostings',
        'buildTransferPostings',
        'accountShard',
        'PAYABLE_SHARDS',
        'PolicyRulesSchema',
        'TimeWindowSchema',
        'WeekdaySchema',
        'ipAllowed',
        'isValidCidr',
        'localTimeParts',
        'policyDayBounds',
        'withinTimeWindow',
        'evaluatePolicy',
        'policyTimezone',
        'requiresApproval',
        'generateSigningSeed',
        'isStrongSeed',
        'signingKeyFromSeed',
        'buildMandateClaims',
        'MandateClaimsSchema',
        'signMandate',
        'verifyMandate',
        'GENESIS_HASH',
        'receiptHash',
        'signReceiptHash',
        'verifyReceiptSignature',
        'verifyReceiptChain',
      ].sort(),
    );
  });
});
