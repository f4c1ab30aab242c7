import { z } from 'zod';

/** What a hotline operator posts after (or during) a call. */
export const hotlineCallRequestSchema = z
  .object({
    caller: z
      .object({
        name: z.string().trim().min(1).max(200),
        phone: z
          .string()
          .trim()
          .regex(/^\+?[0-9 .()-]{6,30}$/, 'a phone number: digits, spaces, dots, dashes, optional leading +'),
        email: z.email().max(254).optional(),
        customerId: z.string().trim().min(1).max(100).optional(),
      })
      .strict(),
    notes: z.string().trim().min(5, 'the call notes are required (at least 5 characters)').max(20_000),
    subject: z.string().trim().min(1).max(500).optional(),
    /** The operator's call id (from the telephony system); the idempotency key. */
    callId: z
      .string()
      .trim()
      .regex(/^[A-Za-z0-9._:@-]{1,128}$/, 'letters, digits and . _ : @ - only, at most 128')
      .optional(),
    resolvedOnCall: z.boolean().optional(),
  })
  .strict();
export type HotlineCallRequest = z.infer<typeof hotlineCallRequestSchema>;

export interface HotlineCallAccepted {
  caseNumber: string;
  callId: string;
  /** true when this callId had been received before: nothing new was created. */
  duplicate: boolean;
  status: 'accepted';
  links: { case: string };
}
