import { z } from 'zod';

/**
 * The postal channel: a scanned letter is uploaded by a postal clerk, read by OCR in a worker,
 * checked and corrected by the clerk, and only then confirmed into an intake envelope (channel
 * `postal`, idempotency key = the scan's SHA-256).
 *
 *   uploaded → ocr_pending → ocr_done | ocr_failed → confirmed | rejected
 */
export const POSTAL_LETTER_STATUSES = ['uploaded', 'ocr_pending', 'ocr_done', 'ocr_failed', 'confirmed', 'rejected'] as const;
export type PostalLetterStatus = (typeof POSTAL_LETTER_STATUSES)[number];

/** Letters a clerk still has to look at ("letters to verify"). */
export const POSTAL_TO_VERIFY: readonly PostalLetterStatus[] = ['uploaded', 'ocr_pending', 'ocr_done', 'ocr_failed'];

/** The fields prefilled by extraction and corrected by the clerk. */
export const POSTAL_FIELDS = ['senderName', 'address', 'phone', 'email', 'customerId', 'domain', 'letterDate'] as const;
export type PostalField = (typeof POSTAL_FIELDS)[number];

const SHA256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex SHA-256');

/** BullMQ `ocr` queue, job `ocr-letter`: thin payload; the scan is read from the file store. */
export const ocrLetterJobSchema = z
  .object({
    letterId: z.string().regex(/^[0-9a-f]{24}$/),
    sha256: SHA256,
  })
  .strict();
export type OcrLetterJob = z.infer<typeof ocrLetterJobSchema>;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .transform((s) => (s === '' ? undefined : s))
    .optional();

/** What the clerk sends with "confirm": the corrected text and fields. */
export const postalConfirmRequestSchema = z
  .object({
    /** The letter's text as the clerk corrected it (becomes the case's body). */
    text: z.string().trim().min(5, 'the letter text is required (at least 5 characters)').max(100_000),
    subject: optionalText(500),
    /** What the customer asks for, in brief (printed on the receipt slip). */
    customerRequest: optionalText(3000),
    fields: z
      .object({
        senderName: optionalText(200),
        address: optionalText(500),
        phone: z
          .string()
          .trim()
          .regex(/^(\+?[0-9 .()-]{6,30})?$/, 'a phone number: digits, spaces, dots, dashes, optional leading +')
          .transform((s) => (s === '' ? undefined : s))
          .optional(),
        email: z
          .union([z.literal(''), z.email().max(254)])
          .transform((s) => (s === '' ? undefined : s))
          .optional(),
        customerId: optionalText(100),
        domain: z
          .string()
          .trim()
          .toLowerCase()
          .regex(/^((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,})?$/, 'a domain name such as example.vn')
          .transform((s) => (s === '' ? undefined : s))
          .optional(),
        letterDate: z
          .union([z.literal(''), z.iso.date()])
          .transform((s) => (s === '' ? undefined : s))
          .optional(),
      })
      .strict()
      .default({}),
    /**
     * When the company received the letter, if not the upload time: the received stamp or the
     * postmark (the legal receipt date; the deadline runs from it). Not in the future.
     */
    receivedAt: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type PostalConfirmRequest = z.infer<typeof postalConfirmRequestSchema>;

export const postalRejectRequestSchema = z
  .object({
    reason: z.string().trim().min(3, 'say why this letter is not a complaint (at least 3 characters)').max(2000),
  })
  .strict();
export type PostalRejectRequest = z.infer<typeof postalRejectRequestSchema>;

export const postalListQuerySchema = z
  .object({
    /** `to_verify` (default): uploaded, OCR pending, OCR done or failed; or one status. */
    status: z.enum(['to_verify', 'all', ...POSTAL_LETTER_STATUSES]).default('to_verify'),
    page: z.coerce.number().int().min(1).max(10_000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(25),
  })
  .strict();

export interface PostalConfirmed {
  letterId: string;
  caseNumber: string;
  /** true when the letter had been confirmed before: the same case number, nothing new. */
  duplicate: boolean;
  links: { case: string; letter: string };
}
