import { z } from 'zod';
import { CASE_NUMBER_PATTERN } from './case-number';
import { CHANNELS, STAFF_ROLES } from './domain-values';

/** The customer as they identified themselves; nothing here is verified yet. */
export const customerIdentitySchema = z
  .object({
    name: z.string().trim().min(1).max(200).optional(),
    phone: z.string().trim().min(3).max(40).optional(),
    email: z.email().max(254).optional(),
    customerId: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
export type CustomerIdentity = z.infer<typeof customerIdentitySchema>;

export const attachmentRefSchema = z
  .object({
    id: z.string().min(1).max(200),
    fileName: z.string().max(255),
    contentType: z.string().max(255),
    size: z.number().int().nonnegative(),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
  })
  .strict();
export type AttachmentRef = z.infer<typeof attachmentRefSchema>;

/**
 * The one shape every channel adapter produces. Adapters only translate: they never classify
 * and never write cases. The worker persists it idempotently on (channel, idempotencyKey).
 */
export const intakeEnvelopeSchema = z
  .object({
    schemaVersion: z.literal(1),
    /** Allocated at intake so the customer hears it at once. */
    caseNumber: z.string().regex(CASE_NUMBER_PATTERN),
    channel: z.enum(CHANNELS),
    /** hotline: the operator's call id; email: mailbox + Message-ID; livechat: client message id; postal: scan SHA-256. */
    idempotencyKey: z.string().min(1).max(500),
    customer: customerIdentitySchema,
    subject: z.string().max(500).optional(),
    bodyText: z.string().min(1).max(100_000),
    /** Already sanitized by the adapter; never raw customer HTML. */
    safeHtml: z.string().max(500_000).optional(),
    attachments: z.array(attachmentRefSchema).max(50),
    receivedAt: z.iso.datetime(),
    /** Where the original lives, e.g. `hotline-form:<callId>` or `imap:<mailbox>/<uidvalidity>/<uid>`. */
    rawRef: z.string().min(1).max(1000),
    /** The staff member who recorded it (hotline operator, postal clerk), if any. */
    recordedBy: z
      .object({ staffId: z.string().min(1), role: z.enum(STAFF_ROLES), name: z.string().optional() })
      .strict()
      .optional(),
    /** The complaint was resolved during the first contact: journal it, no written answer needed. */
    resolvedOnContact: z.boolean(),
    /**
     * One id in every log line about this complaint, from the adapter through the queue to the
     * worker and its mail; IntakePublisher sets it (stable per channel + key, so a retry keeps it).
     */
    correlationId: z.string().min(1).max(100).optional(),
  })
  .strict();
export type IntakeEnvelope = z.infer<typeof intakeEnvelopeSchema>;

/** What an adapter hands over before the case number is allocated. */
export const intakeSubmissionSchema = intakeEnvelopeSchema.omit({ schemaVersion: true, caseNumber: true });
export type IntakeSubmission = z.infer<typeof intakeSubmissionSchema>;
