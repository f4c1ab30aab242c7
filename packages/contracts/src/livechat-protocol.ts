import type { z } from 'zod';
import type { attachmentRefSchema } from './intake-envelope';

/**
 * Livechat protocol values the browser code shares with the gateway: namespaces, event names,
 * limits, message views and error codes. No zod here (schemas are in livechat.ts), so the chat
 * page and the console bundle only these few bytes.
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

/** Upper bound of a chat message, in characters; the gateway may configure a lower one. */
export const LIVECHAT_MAX_TEXT_CHARS = 5000;

/** Defaults of the gateway's livechat limits (LIVECHAT_MAX_MESSAGE_CHARS, LIVECHAT_UPLOAD_MAX_BYTES); the chat page uses them too. */
export const LIVECHAT_DEFAULT_LIMITS = {
  maxMessageChars: 4000,
  uploadMaxBytes: 10 * 1024 * 1024,
} as const;

/** Attachment types the gateway accepts (checked by content, not by name). */
export const LIVECHAT_UPLOAD_CONTENT_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp', 'application/pdf'] as const;
export type LivechatUploadContentType = (typeof LIVECHAT_UPLOAD_CONTENT_TYPES)[number];

/** A phone number as customers type it: digits, spaces, dots, dashes, brackets, optional leading +. */
export const PHONE_PATTERN = /^\+?[0-9 .()-]{6,30}$/;
/** A domain name such as example.vn (what a customer's complaint is about). */
export const DOMAIN_NAME_PATTERN = /^(?=.{3,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/i;

/**
 * The embeddable loader (widget.js, on the customer's site) and the chat page in its iframe talk
 * with postMessage: the chat keeps a copy of its state in the host page's storage through the
 * loader, because browsers partition or block storage of cross-site iframes.
 */
export const LIVECHAT_FRAME_MESSAGES = {
  /** chat → loader: the chat has started and asks for the state kept by the host page. */
  ready: 'cg-livechat:ready',
  /** loader → chat: the kept state (a JSON string, or null). */
  restore: 'cg-livechat:restore',
  /** chat → loader: keep this state (a JSON string). */
  store: 'cg-livechat:store',
  /** chat → loader: hide the chat. */
  minimize: 'cg-livechat:minimize',
} as const;

/** Storage keys: the chat's own localStorage, and the loader's copies in the host page. */
export const LIVECHAT_STORAGE_KEYS = {
  chat: 'cg-livechat:v1',
  hostState: 'cg-livechat:state',
  hostOpen: 'cg-livechat:open',
} as const;

export interface LivechatSessionCreated {
  token: string;
  conversationId: string;
  expiresAt: string;
}

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

/** What the staff live view lists for one conversation. */
export interface ConversationSummaryView {
  conversationId: string;
  status: 'open' | 'ended';
  customer: { name: string; email?: string; phone?: string; domain?: string; customerId?: string };
  caseNumber?: string;
  lastMessageAt?: string;
  lastMessagePreview?: string;
  lastSenderKind?: string;
  lastSeq: number;
  createdAt: string;
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
