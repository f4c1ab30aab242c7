import { z } from 'zod';
import { commonEnvSchema, parseEnv } from './env';

/**
 * The company's certificate for signing written answers (PKCS#12: .p12/.pfx), for whichever
 * process renders letters (`@cg/letters` `signPdf`; `readSigningCertificate` turns this into
 * `{ p12, passphrase }`). Either the file's bytes in base64 or its path; required in production,
 * where written answers must be signed.
 */
const letterSigningEnvSchema = commonEnvSchema
  .extend({
    LETTER_SIGNING_P12_BASE64: z
      .string()
      .regex(/^[A-Za-z0-9+/\s]+={0,2}\s*$/, 'base64 of a .p12 file')
      .optional(),
    LETTER_SIGNING_P12_PATH: z.string().min(1).optional(),
    /** Passphrase of the PKCS#12 (empty when it has none). */
    LETTER_SIGNING_PASSPHRASE: z.string().default(''),
    /**
     * Outside production without a certificate: the self-signed development certificate,
     * generated once at this path (its name says DEVELOPMENT ONLY). Never used in production.
     */
    LETTER_DEV_CERT_PATH: z.string().min(1).default('.data/dev-letter-signing.p12'),
    /** The letterhead and the answer template's "how to take it further" (the reference customer's by default). */
    LETTER_COMPANY_NAME: z.string().min(1).default('Công ty Cổ phần Tenten'),
    LETTER_COMPANY_ADDRESS: z.string().min(1).default('Hà Nội, Việt Nam'),
    LETTER_COMPANY_HOTLINE: z.string().min(1).default('024.7108.9999'),
    LETTER_COMPANY_EMAIL: z.email().default('hotrokhachhang@tenten.vn'),
    LETTER_CITY: z.string().min(1).default('Hà Nội'),
  })
  .refine((c) => !(c.LETTER_SIGNING_P12_BASE64 && c.LETTER_SIGNING_P12_PATH), {
    path: ['LETTER_SIGNING_P12_PATH'],
    message: 'set LETTER_SIGNING_P12_BASE64 or LETTER_SIGNING_P12_PATH, not both',
  })
  .refine((c) => c.NODE_ENV !== 'production' || c.LETTER_SIGNING_P12_BASE64 || c.LETTER_SIGNING_P12_PATH, {
    path: ['LETTER_SIGNING_P12_BASE64'],
    message: 'required when NODE_ENV=production (or LETTER_SIGNING_P12_PATH)',
  });

export type LetterSigningConfig = z.infer<typeof letterSigningEnvSchema>;

export function loadLetterSigningConfig(env: NodeJS.ProcessEnv = process.env): LetterSigningConfig {
  return parseEnv(letterSigningEnvSchema, env);
}

/**
 * Only the letterhead (LETTER_COMPANY_*, LETTER_CITY), for a process that prints unsigned letters
 * (the worker's e-mailed postal receipt) and needs no signing certificate.
 */
const letterheadEnvSchema = z.object({
  LETTER_COMPANY_NAME: z.string().min(1).default('Công ty Cổ phần Tenten'),
  LETTER_COMPANY_ADDRESS: z.string().min(1).default('Hà Nội, Việt Nam'),
  LETTER_COMPANY_HOTLINE: z.string().min(1).default('024.7108.9999'),
  LETTER_COMPANY_EMAIL: z.email().default('hotrokhachhang@tenten.vn'),
  LETTER_CITY: z.string().min(1).default('Hà Nội'),
});

export interface Letterhead {
  name: string;
  address: string;
  hotline: string;
  email: string;
  city: string;
}

export function loadLetterhead(env: NodeJS.ProcessEnv = process.env): Letterhead {
  const c = parseEnv(letterheadEnvSchema, env);
  return {
    name: c.LETTER_COMPANY_NAME,
    address: c.LETTER_COMPANY_ADDRESS,
    hotline: c.LETTER_COMPANY_HOTLINE,
    email: c.LETTER_COMPANY_EMAIL,
    city: c.LETTER_CITY,
  };
}
