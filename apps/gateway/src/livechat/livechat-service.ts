import type { Server } from 'socket.io';
import type { Logger } from 'pino';
import {
  LIVECHAT_EVENTS,
  LIVECHAT_NAMESPACES,
  livechatRooms,
  type ChatMessageView,
  type LivechatError,
  type LivechatReceipt,
  type StaffRole,
} from '@cg/contracts';
import {
  ConversationEndedError,
  ConversationNotFoundError,
  type CaseRepository,
  type ChatAttachmentRepository,
  type ConversationRecord,
  type ConversationRepository,
  type NewChatMessage,
  type TranscriptRequestRepository,
} from '@cg/db';
import {
  broadcastMessage,
  toChatMessageView,
  toConversationSummary,
  toReceiptView,
  LivechatIntake,
  type AppendResult,
  type LivechatCaseOpened,
  type ConversationLog,
  type ConversationSummaryView,
} from '@cg/livechat';
import { IntakeUnavailableError, type IntakePublisher } from '@cg/queue';

/** A refusal the client can act on; becomes `{ ok: false, error }` in the acknowledgement. */
export class LivechatRefusal extends Error {
  constructor(readonly error: LivechatError) {
    super(error.message);
  }
}

/**
 * A message's text as stored: NFC, without U+0000 (FerretDB keeps documents as PostgreSQL jsonb,
 * which cannot hold it: a message acknowledged from Redis could then never reach MongoDB).
 */
const chatText = (text: string): string => text.replaceAll('\u0000', '').normalize('NFC');

export const refuse = (code: LivechatError['code'], message: string, extra: Partial<LivechatError> = {}): LivechatRefusal =>
  new LivechatRefusal({ code, message, retryable: false, ...extra });

export interface LivechatServiceDeps {
  conversations: ConversationRepository;
  log: ConversationLog;
  attachments: ChatAttachmentRepository;
  transcripts: TranscriptRequestRepository;
  cases: CaseRepository;
  publisher: IntakePublisher;
  logger: Logger;
  /** How many receipts may wait for their deadline at once on this node. */
  maxDeadlineWatches?: number;
  /**
   * The target deadline of a complaint received at that time, computed here on the same
   * calendar and policy as the worker's, so the receipt shows it at once. Without it the
   * receipt shows the policy and the deadline follows once the worker has written the case.
   */
  receiptDeadline?: (receivedAt: Date) => { dueDate: string; dueAt: Date } | undefined;
}

export interface SentMessage {
  message: ChatMessageView;
  duplicate: boolean;
  receipt?: LivechatReceipt;
}

// Waits between looks for the case the worker writes (about half a minute in all); each look
// is one query, and at most maxDeadlineWatches conversations are watched at once.
const DEADLINE_POLL_MS = [1000, 3000, 8000, 20_000];

/**
 * The livechat adapter's rules, independent of the socket layer: durable first, then the case,
 * then tell everyone. A message is acknowledged once Redis (AOF) holds it in the conversation's
 * inbox (ConversationLog.appendDurable) and, for the complaint, once the intake envelope is in
 * the intake queue; the workers' ChatPersister writes MongoDB after. Without Redis, the message
 * is acknowledged once MongoDB has it.
 */
export class LivechatService {
  private io?: Server;
  private readonly deadlineWatches = new Map<string, NodeJS.Timeout>();
  private closed = false;

  private readonly intake: LivechatIntake;

  constructor(private readonly deps: LivechatServiceDeps) {
    this.intake = new LivechatIntake(deps);
  }

  bind(io: Server): void {
    this.io = io;
  }

  /**
   * A visitor's message: stored once per client message id; until the conversation has a case,
   * the message (or its retry) also completes the intake. `summary` is what agents see in their
   * list for this conversation (kept by the visitor's connection).
   */
  async acceptVisitorMessage(
    conversationId: string,
    input: { clientMessageId: string; text: string; attachmentIds: string[] },
    summary: ConversationSummaryView,
    /** The conversation as the connection loaded it (the customer's identity for the intake). */
    known?: ConversationRecord,
  ): Promise<SentMessage> {
    const attachments = input.attachmentIds.length
      ? await this.deps.attachments.refsInConversation(conversationId, input.attachmentIds)
      : [];
    if (attachments.length !== new Set(input.attachmentIds).size) {
      throw refuse('attachment_not_found', 'an attachment was not found in this conversation; upload it again', { field: 'attachmentIds' });
    }
    const appended = await this.appendDurable(
      {
        conversationId,
        messageId: input.clientMessageId,
        sender: { kind: 'visitor' },
        type: 'text',
        text: chatText(input.text),
        attachments,
      },
      true,
    );
    const caseNumber = appended.caseNumber ?? summary.caseNumber;
    const receipt = caseNumber && !appended.duplicate ? undefined : await this.ensureCase(conversationId, appended, known);
    if (receipt) summary.caseNumber = receipt.caseNumber;
    const view = toChatMessageView(appended.message);
    this.broadcast(view, summary);
    return { message: view, duplicate: appended.duplicate, ...(receipt ? { receipt } : {}) };
  }

  /**
   * Puts the conversation's first visitor message through intake and links the case
   * (`LivechatIntake` in @cg/livechat, shared with the worker's sweep), then posts the receipt in
   * the chat. The idempotency key is the conversation id: one chat is one case.
   */
  async ensureCase(conversationId: string, hint?: AppendResult, known?: ConversationRecord): Promise<LivechatReceipt | undefined> {
    let opened: LivechatCaseOpened | undefined;
    try {
      opened = await this.intake.ensureCase(conversationId, hint, known);
    } catch (err) {
      if (err instanceof ConversationNotFoundError) throw refuse('conversation_not_found', 'conversation not found');
      if (err instanceof IntakeUnavailableError) {
        this.deps.logger.warn({ conversationId, err: err.message }, 'livechat intake unavailable; the visitor will retry');
        throw refuse('intake_unavailable', 'your message is saved but the complaint could not be registered yet; it will be retried', {
          retryable: true,
          retryAfterMs: 3000,
        });
      }
      throw err;
    }
    if (!opened?.posted) return opened?.receipt;
    const { receipt, posted } = opened;
    this.broadcast(toChatMessageView(posted.message), { ...toConversationSummary(posted.conversation), caseNumber: receipt.caseNumber });
    if (!receipt.dueDate) this.watchDeadline(conversationId, receipt.caseNumber, receipt);
    return receipt;
  }

  /** Looks for the case the worker writes, a few times, and tells the chat its deadline. */
  watchDeadline(conversationId: string, caseNumber: string, receipt?: LivechatReceipt): void {
    if (this.closed || this.deadlineWatches.has(conversationId)) return;
    if (this.deadlineWatches.size >= (this.deps.maxDeadlineWatches ?? 200)) return; // the visitor's next connect fills it in
    const attempt = (i: number) => {
      const timer = setTimeout(() => {
        void this.fillDeadline(conversationId, caseNumber, receipt)
          .catch(() => false)
          .then((done) => {
            if (done || i + 1 >= DEADLINE_POLL_MS.length || this.closed) this.deadlineWatches.delete(conversationId);
            else attempt(i + 1);
          });
      }, DEADLINE_POLL_MS[i]);
      timer.unref();
      this.deadlineWatches.set(conversationId, timer);
    };
    attempt(0);
  }

  /** True once the deadline is known (and has been sent to the chat). */
  async fillDeadline(conversationId: string, caseNumber: string, known?: LivechatReceipt): Promise<boolean> {
    const c = await this.deps.cases.findByCaseNumber(caseNumber);
    const target = c?.deadlines?.target;
    if (!target?.dueDate || !target.dueAt) return false;
    await this.deps.conversations.setReceiptDeadline(conversationId, { dueDate: target.dueDate, dueAt: new Date(target.dueAt) });
    const conversation = known ? undefined : await this.deps.conversations.findById(conversationId);
    const base = known ?? (conversation ? toReceiptView(conversation) : undefined);
    const receipt = base && { ...base, dueDate: target.dueDate, dueAt: new Date(target.dueAt).toISOString() };
    if (receipt && this.io) {
      this.io.of(LIVECHAT_NAMESPACES.visitor).to(livechatRooms.conversation(conversationId)).emit(LIVECHAT_EVENTS.receipt, receipt);
    }
    return true;
  }

  /** An agent's answer, stored once per client message id, delivered to the visitor's tabs and to every agent. */
  async acceptAgentMessage(
    agent: { staffId: string; name: string; role: StaffRole },
    input: { conversationId: string; clientMessageId: string; text: string },
  ): Promise<SentMessage> {
    const conversation = await this.deps.conversations.findById(input.conversationId);
    if (!conversation) throw refuse('conversation_not_found', 'conversation not found', { field: 'conversationId' });
    const appended = await this.appendDurable(
      {
        conversationId: input.conversationId,
        messageId: input.clientMessageId,
        sender: { kind: 'agent', id: agent.staffId, name: agent.name, role: agent.role },
        type: 'text',
        text: chatText(input.text),
      },
      true,
    );
    const view = toChatMessageView(appended.message);
    this.broadcast(view, toConversationSummary(conversation));
    return { message: view, duplicate: appended.duplicate };
  }

  /** Queues the transcript for e-mail (the worker's TranscriptRelay renders pending requests into mail_outbound). */
  async requestTranscript(conversation: ConversationRecord, reason: 'requested' | 'chat_ended'): Promise<{ queued: boolean }> {
    const conversationId = String(conversation._id);
    const email = conversation.customer?.email;
    if (!email) {
      if (reason === 'chat_ended') return { queued: false };
      throw refuse('no_email', 'no e-mail address was given in the form, so no transcript can be sent');
    }
    const now = new Date();
    const upToSeq = (await this.deps.log.lastSeq(conversationId)) ?? (await this.deps.conversations.topSeq(conversationId));
    // The case may be known to Redis only while its receipt message waits for the worker.
    const caseNumber = conversation.caseNumber ?? (await this.deps.log.redisState(conversationId)).caseNumber;
    await this.deps.transcripts.request({
      conversationId,
      email,
      locale: conversation.locale,
      ...(caseNumber ? { caseNumber } : {}),
      reason,
      upToSeq,
      requestedAt: now,
    });
    await this.deps.conversations.markTranscriptRequested(conversationId, now);
    return { queued: true };
  }

  /** Ends the chat (visitor or agent); a transcript goes to the customer's e-mail if one was given. */
  async endConversation(conversationId: string, by: 'visitor' | 'agent', name?: string): Promise<void> {
    const ended = await this.deps.conversations.end(conversationId, by, new Date());
    await this.deps.log.markEnded(conversationId);
    const conversation = await this.deps.conversations.findById(conversationId);
    if (!conversation) throw refuse('conversation_not_found', 'conversation not found');
    if (!ended) return;
    const posted = await this.deps.log.append(
      {
        conversationId,
        messageId: `ended-${conversationId}`,
        sender: { kind: 'system' },
        type: 'notice',
        text: '',
        data: { event: 'ended', by, ...(name ? { name } : {}) },
      },
      { requireOpen: false },
    );
    this.broadcast(toChatMessageView(posted.message), { ...toConversationSummary(conversation), status: 'ended' });
    await this.requestTranscript(conversation, 'chat_ended');
  }

  private async appendDurable(input: NewChatMessage, requireOpen: boolean): Promise<AppendResult> {
    try {
      return await this.deps.log.appendDurable(input, { requireOpen });
    } catch (err) {
      if (err instanceof ConversationEndedError) throw refuse('conversation_ended', 'this conversation has ended; start a new one');
      if (err instanceof ConversationNotFoundError)
        throw refuse('conversation_not_found', 'conversation not found', { field: 'conversationId' });
      throw err;
    }
  }

  /** To the visitor's tabs and every agent, on every node; `summary` updates the agents' list. */
  private broadcast(view: ChatMessageView, summary: ConversationSummaryView): void {
    if (!this.io) return;
    broadcastMessage(this.io, view, {
      ...summary,
      lastSeq: Math.max(summary.lastSeq, view.seq),
      lastMessageAt: view.createdAt,
      lastSenderKind: view.sender.kind,
      ...(view.type === 'text'
        ? { lastMessagePreview: (view.text || view.attachments.map((a) => a.fileName).join(', ')).slice(0, 140) }
        : {}),
    });
  }

  close(): void {
    this.closed = true;
    for (const t of this.deadlineWatches.values()) clearTimeout(t);
    this.deadlineWatches.clear();
  }
}
