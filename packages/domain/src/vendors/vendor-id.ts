import { z } from 'zod';

/** A vendor's id within its organization: a short lowercase slug such as `acme_api`. */
export const VENDOR_ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

export const VendorSlugSchema = z.string().regex(VENDOR_ID_PATTERN, 'must be lowercase letters, digits, _ . - (max 64)');
