import type { ChatMessageView, ConversationStateView, ConversationSummaryView, LivechatReceipt } from '@cg/contracts';
import type { ChatMessageRecord, ConversationRecord } from '@cg/db';

/** A stored message as clients see it (staff ids and roles stay on the server). */
export function toChatMessageView(m: ChatMessageRecord): ChatMessageView {
  return {
    id: m.messageId,
    conversationId: m.conversationId,
    seq: m.seq,
    sender: { kind: m.sender?.kind ?? 'system', ...(m.sender?.name ? { name: m.sender.name } : {}) },
    type: m.type,
    text: m.text ?? '',
    attachments: (m.attachments ?? []).map((a) => ({
      id: String(a.id),
      fileName: String(a.fileName),
      contentType: String(a.contentType),
      size: Number(a.size),
      sha256: String(a.sha256),
    })),
    ...(m.data ? { data: m.data as Record<string, unknown> } : {}),
    createdAt: new Date(m.createdAt).toISOString(),
  };
}

export function toReceiptView(c: ConversationRecord): LivechatReceipt | undefined {
  const r = c.receipt;
  if (!r?.caseNumber) return undefined;
  return {
    caseNumber: r.caseNumber,
    receivedAt: new Date(r.receivedAt ?? c.createdAt).toISOString(),
    deadlinePolicy: r.deadlinePolicy ?? '5 working days',
    ...(r.dueDate ? { dueDate: r.dueDate } : {}),
    ...(r.dueAt ? { dueAt: new Date(r.dueAt).toISOString() } : {}),
  };
}

export function toStateView(c: ConversationRecord, agentsOnline: boolean): ConversationStateView {
  const receipt = toReceiptView(c);
  return {
    conversationId: String(c._id),
    status: c.status,
    customerName: c.customer?.name ?? '',
    locale: c.locale,
    ...(receipt ? { receipt } : {}),
    agentsOnline,
    lastSeq: c.lastSeq,
    transcriptRequested: Boolean(c.transcriptRequestedAt),
    hasEmail: Boolean(c.customer?.email),
  };
}

export type { ConversationSummaryView };

export function toConversationSummary(c: ConversationRecord): ConversationSummaryView {
  const customer = Object.fromEntries(
    Object.entries(c.customer ?? {}).filter(([, v]) => typeof v === 'string' && v),
  ) as ConversationSummaryView['customer'];
  return {
    conversationId: String(c._id),
    status: c.status,
    customer,
    ...(c.caseNumber ? { caseNumber: c.caseNumber } : {}),
    ...(c.lastMessageAt ? { lastMessageAt: new Date(c.lastMessageAt).toISOString() } : {}),
    ...(c.lastMessagePreview ? { lastMessagePreview: c.lastMessagePreview } : {}),
    ...(c.lastSenderKind ? { lastSenderKind: c.lastSenderKind } : {}),
    lastSeq: c.lastSeq,
    createdAt: new Date(c.createdAt).toISOString(),
  };
}
