import type { Logger } from 'pino';
import type { Database } from '@cg/db';
import { renderTranscript, toChatMessageView } from '@cg/livechat';
import { signMessageId } from '@cg/mail';
import { every, type Periodic } from '@cg/core';
import { queueOutboundMail, type OutboundQueue } from '@cg/queue';

/**
 * Livechat transcripts: the gateway stores a pending `transcript_requests` row (on request, or
 * when a chat ends with an e-mail given); this sweep renders each one into a `mail_outbound`
 * row, which is sent like any other mail (retries, bounces, per-address limit). The row's dedupe
 * key makes a sweep that crashed half-way harmless to repeat.
 */
export class TranscriptRelay {
  private periodic?: Periodic;

  constructor(
    private readonly deps: {
      db: Database;
      queue: OutboundQueue;
      messageIdSecret: string;
      messageIdDomain: string;
      intervalMs: number;
      logger: Logger;
      /** True while messages up to that seq are acknowledged but not yet in MongoDB (the livechat inbox): the request waits a sweep. */
      inboxHoldsUpTo?: (conversationId: string, upToSeq: number) => Promise<boolean>;
    },
  ) {}

  start(): void {
    this.periodic = every(this.deps.intervalMs, () => this.sweep());
  }

  async sweep(): Promise<number> {
    const { db, logger } = this.deps;
    let handled = 0;
    try {
      for (const req of await db.transcriptRequests.listPending(20)) {
        const conversation = await db.conversations.findById(req.conversationId);
        if (!conversation) {
          await db.transcriptRequests.markFailed(req._id, 'conversation not found');
          continue;
        }
        if (await this.deps.inboxHoldsUpTo?.(req.conversationId, req.upToSeq)) continue;
        const messages = (await db.conversations.messagesAfter(req.conversationId, 0, 5000)).filter((m) => m.seq <= req.upToSeq);
        const caseNumber = req.caseNumber ?? conversation.caseNumber ?? undefined;
        const { subject, text } = renderTranscript({
          customerName: conversation.customer?.name ?? '',
          locale: req.locale,
          messages: messages.map(toChatMessageView),
          ...(caseNumber ? { caseNumber } : {}),
        });
        const { record } = await db.mailOutbound.createIfAbsent({
          kind: 'transcript',
          dedupeKey: `transcript:${req.conversationId}:${req.upToSeq}`,
          to: req.email,
          subject,
          text,
          messageId: signMessageId(this.deps.messageIdSecret, this.deps.messageIdDomain, caseNumber ?? req.conversationId),
          autoSubmitted: true,
          ...(caseNumber ? { caseNumber } : {}),
        });
        await queueOutboundMail(this.deps.queue, record);
        await db.transcriptRequests.markSent(req._id, new Date());
        handled++;
      }
    } catch (err) {
      logger.warn({ err: (err as Error).message }, 'transcript sweep failed; next sweep retries');
    }
    return handled;
  }

  async stop(): Promise<void> {
    await this.periodic?.stop();
  }
}
