import type { LivechatReceipt } from '@cg/contracts';
import { ConversationNotFoundError, type ChatMessageRecord, type ConversationRecord, type ConversationRepository } from '@cg/db';
import type { IntakePublisher } from '@cg/queue';
import type { AppendResult, ConversationLog } from './conversation-log';
import { toReceiptView } from './views';

/** Shown to the customer until the worker has computed the real deadline. */
export const DEFAULT_DEADLINE_POLICY = '5 working days';

export interface LivechatIntakeDeps {
  conversations: ConversationRepository;
  log: ConversationLog;
  publisher: Pick<IntakePublisher, 'publish'>;
  /** The target deadline of a complaint received at that time (same calendar and policy as the worker's). */
  receiptDeadline?: (receivedAt: Date) => { dueDate: string; dueAt: Date } | undefined;
}

/** What `ensureCase` did: the receipt, and the receipt message when it posted one now. */
export interface LivechatCaseOpened {
  receipt: LivechatReceipt;
  posted?: { message: ChatMessageRecord; conversation: ConversationRecord };
}

/**
 * A conversation's complaint through intake — the gateway when the visitor sends it (or comes
 * back), and the worker's sweep for a complaint whose intake failed and whose visitor left: the
 * conversation's first visitor message is published with the conversation id as the idempotency
 * key (one chat is one case, however many nodes, retries or sweeps race to open it: the case-number
 * allocator and the intake job id are keyed on it, the worker's unique index guards forever), then
 * the receipt message links the case. Throws IntakeUnavailableError when the intake queue did not
 * take the envelope (nothing linked: the next attempt publishes again under the same key).
 */
export class LivechatIntake {
  constructor(private readonly deps: LivechatIntakeDeps) {}

  async ensureCase(conversationId: string, hint?: AppendResult, known?: ConversationRecord): Promise<LivechatCaseOpened | undefined> {
    // Redis records the receipt in the same script that makes the receipt message durable.
    if (hint?.receipt) return { receipt: hint.receipt };
    // A stale copy is fine: at worst the intake is published again with the same key, which
    // answers the same case number.
    const conversation = known ?? (await this.deps.conversations.findById(conversationId));
    if (!conversation) throw new ConversationNotFoundError(conversationId);
    if (conversation.caseNumber) {
      await this.deps.log.markCase(conversationId, conversation.caseNumber);
      const receipt = toReceiptView(conversation);
      return receipt ? { receipt } : undefined;
    }
    if (!hint) {
      const { receipt } = await this.deps.log.redisState(conversationId);
      if (receipt) return { receipt };
    }
    const first = await this.firstVisitorMessage(conversationId, hint);
    if (!first) return undefined;
    const c = conversation.customer ?? { name: '' };
    const attachments = (first.attachments ?? []).map((a) => ({
      id: String(a.id),
      fileName: String(a.fileName),
      contentType: String(a.contentType),
      size: Number(a.size),
      sha256: String(a.sha256),
    }));
    const body = first.text?.trim() || attachments.map((a) => `[${a.fileName}]`).join(' ') || '(no text)';
    const { caseNumber } = await this.deps.publisher.publish({
      channel: 'livechat',
      idempotencyKey: conversationId,
      customer: {
        ...(c.name ? { name: c.name } : {}),
        ...(c.phone ? { phone: c.phone } : {}),
        ...(c.email ? { email: c.email } : {}),
        ...(c.customerId ? { customerId: c.customerId } : {}),
      },
      ...(c.domain ? { subject: `Livechat (${c.domain})` } : {}),
      bodyText: body.normalize('NFC'),
      attachments,
      receivedAt: new Date(first.createdAt).toISOString(),
      rawRef: `livechat:${conversationId}/${first.messageId}`,
      resolvedOnContact: false,
    });
    const receivedAt = new Date(first.createdAt);
    const due = this.deps.receiptDeadline?.(receivedAt);
    const receipt: LivechatReceipt = {
      caseNumber,
      receivedAt: receivedAt.toISOString(),
      deadlinePolicy: DEFAULT_DEADLINE_POLICY,
      ...(due ? { dueDate: due.dueDate, dueAt: due.dueAt.toISOString() } : {}),
    };
    // The receipt message carries the link to the case: the worker that persists it names the
    // case on the conversation. The same script records the receipt in Redis for this chat.
    const posted = await this.deps.log.appendDurable(
      {
        conversationId,
        messageId: `receipt-${caseNumber}`,
        sender: { kind: 'system' },
        type: 'receipt',
        text: '',
        data: { caseNumber, deadlinePolicy: receipt.deadlinePolicy, firstMessageId: first.messageId, receipt },
      },
      { requireOpen: false, receipt },
    );
    if (!posted.inInbox) {
      // Redis did not take it: stored in MongoDB directly, so link the case here.
      await this.deps.conversations.setCase(conversationId, first.messageId, {
        caseNumber,
        receivedAt,
        deadlinePolicy: receipt.deadlinePolicy,
      });
      if (due) await this.deps.conversations.setReceiptDeadline(conversationId, due);
    }
    return { receipt, posted: { message: posted.message, conversation } };
  }

  /** The complaint: the message just stored when it is the first, else looked up (MongoDB and the Redis inbox). */
  private async firstVisitorMessage(conversationId: string, hint?: AppendResult): Promise<ChatMessageRecord | null> {
    const current = hint?.message;
    if (current && current.sender?.kind === 'visitor' && (!hint.firstVisitorMessageId || hint.firstVisitorMessageId === current.messageId))
      return current;
    if (hint?.firstVisitorMessageId) {
      const first = await this.deps.log.findMessage(conversationId, hint.firstVisitorMessageId);
      if (first) return first;
    }
    const [stored] = await this.deps.conversations.messages
      .find({ conversationId, 'sender.kind': 'visitor' })
      .sort({ seq: 1 })
      .limit(1)
      .lean<ChatMessageRecord[]>()
      .exec();
    const held = (await this.deps.log.inboxAfter(conversationId, 0)).filter((m) => m.sender?.kind === 'visitor');
    return [...(stored ? [stored] : []), ...held].sort((a, b) => a.seq - b.seq)[0] ?? null;
  }
}
