import { z } from 'zod';
import { type attachmentRefSchema } from './intake-envelope';

/**
 * Livechat: the socket.io protocol between the widget, the gateway and the staff live view.
 * Every payload a client sends is parsed with one of these schemas before the server acts;
 * a payload that fails gets an error acknowledgement (or a `livechat:error` event), never a crash.
 */

/** socket.io namespaces. Never rename: deployed widgets connect to these. */
export const LIVECHAT_NAMESPACES = {
  visitor: '/livechat',
  staff: '/livechat-staff',
} as const;

/** Rooms inside the namespaces (one per conversation for visitors; one for all agents). */
export const livechatRooms = {
  /** Every tab of one visitor's conversation, in the visitor namespace. */
  conversation: (conversationId: string) => `conv:${conversationId}`,
  /** Every signed-in agent, in the staff namespace. */
  agents: 'agents',
} as const;

export const LIVECHAT_LOCALES = ['vi', 'en'] as const;
export type LivechatLocale = (typeof LIVECHAT_LOCALES)[number];

/** Events, by direction. */
export const LIVECHAT_EVENTS = {
  // server → client
  state: 'conversation:state',
  message: 'message',
  sync: 'messages:sync',
  typing: 'typing',
  presence: 'presence',
  receipt: 'receipt',
  conversationUpdated: 'conversation:updated',
  error: 'livechat:error',
  // client → server (with acknowledgement)
  send: 'message:send',
  requestSync: 'messages:sync',
  requestTranscript: 'transcript:request',
  end: 'conversation:end',
  listConversations: 'conversations:list',
  openConversation: 'conversation:open',
} as const;

/** A client-made message id: the idempotency key of a message (uuid or similar). */
export const clientMessageIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{8,64}$/, 'letters, digits, _ and - only, 8 to 64 characters (a UUID fits)');

/** Conversation ids are MongoDB ObjectIds in hex. */
export const conversationIdSchema = z.string().regex(/^[0-9a-f]{24}$/, 'a conversation id (24 hex digits)');

/** Upper bound of a chat message, in characters; the gateway may configure a lower one. */
export const LIVECHAT_MAX_TEXT_CHARS = 5000;

const phonePattern = /^\+?[0-9 .()-]{6,30}$/;
const domainPattern = /^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

/** The pre-chat form: POST /api/v1/livechat/sessions. */
export const livechatSessionRequestSchema = z
  .object({
    name: z.string().trim().min(1, 'your name is required').max(200),
    email: z.email('an e-mail address such as ten@example.vn').max(254).optional(),
    phone: z.string().trim().regex(phonePattern, 'a phone number: digits, spaces, dots, dashes, optional leading +').optional(),
    /** A domain name the complaint is about, e.g. example.vn. */
    domain: z.string().trim().toLowerCase().regex(domainPattern, 'a domain name such as example.vn').optional(),
    customerId: z.string().trim().min(1).max(100).optional(),
    locale: z.enum(LIVECHAT_LOCALES).default('vi'),
  })
  .strict()
  .refine((v) => v.email !== undefined || v.phone !== undefined, {
    path: ['email'],
    message: 'an e-mail address or a phone number is required',
  });
export type LivechatSessionRequest = z.infer<typeof livechatSessionRequestSchema>;

export interface LivechatSessionCreated {
  token: string;
  conversationId: string;
  expiresAt: string;
}

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

/** Who wrote a message. Visitors see agents by display name only. */
export const chatSenderKinds = ['visitor', 'agent', 'system'] as const;
export type ChatSenderKind = (typeof chatSenderKinds)[number];

/** A message as every client sees it. */
export interface ChatMessageView {
  id: string;
  conversationId: string;
  /** Monotonic per conversation (gaps possible); clients resync with "after seq". */
  seq: number;
  sender: { kind: ChatSenderKind; name?: string };
  /** `text`, or `receipt` (the case number given to the customer), or `notice`. */
  type: 'text' | 'receipt' | 'notice';
  text: string;
  attachments: z.infer<typeof attachmentRefSchema>[];
  data?: Record<string, unknown>;
  createdAt: string;
}

export interface LivechatReceipt {
  caseNumber: string;
  receivedAt: string;
  /** Shown until the worker has computed the deadline, e.g. `5 working days`. */
  deadlinePolicy: string;
  dueDate?: string;
  dueAt?: string;
}

export interface ConversationStateView {
  conversationId: string;
  status: 'open' | 'ended';
  customerName: string;
  locale: LivechatLocale;
  receipt?: LivechatReceipt;
  agentsOnline: boolean;
  lastSeq: number;
  transcriptRequested: boolean;
  hasEmail: boolean;
}

/** Error codes a client can act on. */
export const LIVECHAT_ERROR_CODES = [
  'invalid_payload',
  'rate_limited',
  'too_many_in_flight',
  'conversation_ended',
  'conversation_not_found',
  'attachment_not_found',
  'intake_unavailable',
  'storage_unavailable',
  'unauthenticated',
  'forbidden',
  'too_many_connections',
  'no_email',
  'internal_error',
] as const;
export type LivechatErrorCode = (typeof LIVECHAT_ERROR_CODES)[number];

export interface LivechatError {
  code: LivechatErrorCode;
  message: string;
  /** Sending the same payload again later may succeed. */
  retryable: boolean;
  field?: string;
  retryAfterMs?: number;
}

export type LivechatAck<T> = ({ ok: true } & T) | { ok: false; error: LivechatError };
