import { z } from 'zod';
import { DOMAIN_NAME_PATTERN, LIVECHAT_LOCALES, LIVECHAT_MAX_TEXT_CHARS, PHONE_PATTERN } from './livechat-protocol';

/**
 * Livechat: the socket.io protocol between the widget, the gateway and the staff live view.
 * Every payload a client sends is parsed with one of these schemas before the server acts;
 * a payload that fails gets an error acknowledgement (or a `livechat:error` event), never a crash.
 */

/** A client-made message id: the idempotency key of a message (uuid or similar). */
export const clientMessageIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'letters, digits, _ and - only, 8 to 64 characters (a UUID fits)');

/** Conversation ids are MongoDB ObjectIds in hex. */
export const conversationIdSchema = z.string().regex(/^[0-9a-f]{24}$/, 'a conversation id (24 hex digits)');

/** The pre-chat form: POST /api/v1/livechat/sessions. */
export const livechatSessionRequestSchema = z
  .object({
    name: z.string().trim().min(1, 'your name is required').max(200),
    email: z.email('an e-mail address such as ten@example.vn').max(254).optional(),
    phone: z.string().trim().regex(PHONE_PATTERN, 'a phone number: digits, spaces, dots, dashes, optional leading +').optional(),
    /** A domain name the complaint is about, e.g. example.vn. */
    domain: z.string().trim().toLowerCase().regex(DOMAIN_NAME_PATTERN, 'a domain name such as example.vn').optional(),
    customerId: z.string().trim().min(1).max(100).optional(),
    locale: z.enum(LIVECHAT_LOCALES).default('vi'),
  })
  .strict()
  .refine((v) => v.email !== undefined || v.phone !== undefined, {
    path: ['email'],
    message: 'an e-mail address or a phone number is required',
  });
export type LivechatSessionRequest = z.infer<typeof livechatSessionRequestSchema>;

/** Visitor → server `message:send`. */
export const visitorSendSchema = z
  .object({
    clientMessageId: clientMessageIdSchema,
    text: z.string().max(LIVECHAT_MAX_TEXT_CHARS, `at most ${LIVECHAT_MAX_TEXT_CHARS} characters`).default(''),
    attachmentIds: z
      .array(z.string().regex(/^[0-9a-f]{24}$/))
      .max(5)
      .default([]),
  })
  .strict()
  .refine((v) => v.text.trim().length > 0 || v.attachmentIds.length > 0, { path: ['text'], message: 'an empty message' });
export type VisitorSend = z.infer<typeof visitorSendSchema>;

/** Staff → server `message:send`. */
export const staffSendSchema = z
  .object({
    conversationId: conversationIdSchema,
    clientMessageId: clientMessageIdSchema,
    text: z.string().trim().min(1, 'an empty message').max(LIVECHAT_MAX_TEXT_CHARS),
  })
  .strict();
export type StaffSend = z.infer<typeof staffSendSchema>;

export const visitorTypingSchema = z.object({ isTyping: z.boolean() }).strict();
export const staffTypingSchema = z.object({ conversationId: conversationIdSchema, isTyping: z.boolean() }).strict();
export const syncRequestSchema = z.object({ afterSeq: z.number().int().min(0) }).strict();
export const conversationRefSchema = z.object({ conversationId: conversationIdSchema }).strict();
