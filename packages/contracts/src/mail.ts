import { z } from 'zod';

/** Outbound queue, job `outbound-email`: send one message recorded in `mail_outbound` (thin payload). */
export const outboundEmailJobSchema = z.object({ outboundId: z.string().regex(/^[0-9a-f]{24}$/, 'a mail_outbound id') }).strict();
export type OutboundEmailJob = z.infer<typeof outboundEmailJobSchema>;

/** Outbound queue, job `answer-delivery`: deliver the answer of one case, for one round (reopenCount). */
export const answerDeliveryJobSchema = z
  .object({
    caseNumber: z.string().min(1).max(40),
    round: z.number().int().min(0),
    /** 0 for the first delivery of the round; each "deliver again" after a failure is the next attempt (its own job). */
    attempt: z.number().int().min(0).optional(),
  })
  .strict();
export type AnswerDeliveryJob = z.infer<typeof answerDeliveryJobSchema>;

/**
 * Outbound queue, job `survey-invite`: send a closed case's satisfaction survey link on its channel
 * (issue 9, step 5), once per closing round. The gateway signs the link when the case closes.
 */
export const surveyInviteJobSchema = z
  .object({
    caseNumber: z.string().min(1).max(40),
    round: z.number().int().min(0),
    url: z.url().max(4000),
    expiresAt: z.iso.datetime(),
  })
  .strict();
export type SurveyInviteJob = z.infer<typeof surveyInviteJobSchema>;

/** Outbound queue, job `inbound-bounce`: a delivery report the poller stored in `mail_messages`. */
export const inboundBounceJobSchema = z.object({ mailbox: z.string().min(1).max(100), messageKey: z.string().min(1).max(500) }).strict();
export type InboundBounceJob = z.infer<typeof inboundBounceJobSchema>;

/**
 * POST /api/v1/cases/:caseNumber/replies: a staff member's message to the customer by email (a
 * question, an update), journalled on the case. It changes no state: the formal answer goes
 * through the lifecycle (draft → sign-off for written cases → deliver), and closing needs a root
 * cause (POST …/close). A `close` field is refused like any unknown field.
 */
export const caseReplyRequestSchema = z
  .object({
    text: z.string().trim().min(1, 'the reply text is required').max(50_000),
  })
  .strict();
export type CaseReplyRequest = z.infer<typeof caseReplyRequestSchema>;

/**
 * `answer`: the case's formal answer (step 4), with the signed letter attached when written;
 * `survey`: the satisfaction survey link after the case closed (step 5).
 */
export const OUTBOUND_KINDS = ['receipt', 'reply', 'notice', 'transcript', 'answer', 'survey'] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

/**
 * POST /api/v1/cases/:caseNumber/reply-address: a staff member confirms where replies go. With
 * `email`, the customer's address becomes that one (they confirmed it with the customer); without,
 * the address stays. Either way the case's open sender flags are marked reviewed.
 */
export const replyAddressRequestSchema = z
  .object({
    email: z.string().trim().toLowerCase().email('an email address').max(320).optional(),
    note: z.string().trim().min(1, 'say how the address was confirmed (or why the flag is harmless)').max(2000),
  })
  .strict();
export type ReplyAddressRequest = z.infer<typeof replyAddressRequestSchema>;

/** Why a joined email was flagged for a person: its sender is not the case's customer, or it failed authentication. */
export const SENDER_ALERT_REASONS = ['sender_not_customer', 'authentication_failed'] as const;
export type SenderAlertReason = (typeof SENDER_ALERT_REASONS)[number];
