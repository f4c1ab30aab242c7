import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { JOB_NAMES } from '@cg/contracts';
import type { Letterhead, MailOutboundConfig } from '@cg/config';
import type { CaseLifecycle } from '@cg/core';
import type { Database } from '@cg/db';
import type { FileStore } from '@cg/postal';
import { createOutboundQueue, type OutboundQueue, type RedisClient } from '@cg/queue';
import { inboxHoldsUpTo } from '@cg/livechat';
import { answerDeliveryHandler, type AnswerDeliveryDeps } from '../jobs/answer-delivery.job';
import { inboundBounceHandler } from '../jobs/inbound-bounce.job';
import { surveyInviteHandler } from '../jobs/survey-invite.job';
import { outboundEmailHandler } from '../jobs/outbound-email.job';
import { AddressRateLimiter } from './address-rate-limit';
import { Mailer } from './mailer';
import { PendingMailRelay } from './pending-mail-relay';
import { QueuedDeliveryRelay } from './queued-delivery-relay';
import { PostalReceiptMail } from './postal-receipt-mail';
import { ReplyThreading } from './reply-threading';
import { TranscriptRelay } from './transcript-relay';

export { ReplyThreading } from './reply-threading';
export { PendingMailRelay } from './pending-mail-relay';

export interface MailChannel {
  /** The processor of the `outbound` queue (dispatches by job name: outgoing mail and inbound bounces). */
  processor: (job: Job<unknown>) => Promise<unknown>;
  threading: ReplyThreading;
  /** Postal cases: the receipt slip e-mailed when the letter gives an address (intake `afterCase`). */
  postalReceipts: PostalReceiptMail;
  queue: OutboundQueue;
  relay: PendingMailRelay;
  close(): Promise<void>;
}

/** Everything the worker process does for the email channel: sending, bounces, reply threading, receipts, transcripts. */
export function startMailChannel(deps: {
  db: Database;
  lifecycle: CaseLifecycle;
  connection: RedisClient;
  prefix: string;
  config: MailOutboundConfig;
  logger: Logger;
  /** Answer delivery: the signed letters' store and the livechat poster (see answer-delivery.job.ts). */
  answers: Pick<AnswerDeliveryDeps, 'files' | 'chat'>;
  /** The store shared with the gateway (POSTAL_STORE_DIR) and the letterhead of the postal receipt slip. */
  postal: { files: Pick<FileStore, 'get' | 'put'>; company: Letterhead };
}): MailChannel {
  const { db, lifecycle, config, logger } = deps;
  const queue = createOutboundQueue({ connection: deps.connection, prefix: deps.prefix });
  const mailer = new Mailer(config);
  const send = outboundEmailHandler({
    db,
    lifecycle,
    mailer,
    rateLimiter: new AddressRateLimiter(deps.connection, deps.prefix, config.MAIL_RATE_LIMIT_PER_HOUR),
    files: deps.postal.files,
    logger,
  });
  const deliverAnswer = answerDeliveryHandler({
    db,
    lifecycle,
    mailer,
    ...deps.answers,
    messageIdSecret: config.MAIL_MESSAGE_ID_SECRET,
    messageIdDomain: config.MAIL_MESSAGE_ID_DOMAIN,
    logger,
  });
  // Step 5: the survey link after a close, on the case's channel (the gateway queues it).
  const inviteToSurvey = surveyInviteHandler({
    db,
    queue,
    ...(deps.answers.chat ? { chat: deps.answers.chat } : {}),
    messageIdSecret: config.MAIL_MESSAGE_ID_SECRET,
    messageIdDomain: config.MAIL_MESSAGE_ID_DOMAIN,
    logger,
  });
  const bounce = inboundBounceHandler({ db, lifecycle, messageIdSecret: config.MAIL_MESSAGE_ID_SECRET, logger });
  const threading = new ReplyThreading({
    db,
    lifecycle,
    queue,
    messageIdSecret: config.MAIL_MESSAGE_ID_SECRET,
    messageIdDomain: config.MAIL_MESSAGE_ID_DOMAIN,
    reopenWindowDays: config.MAIL_REOPEN_WINDOW_DAYS,
    logger,
  });
  const postalReceipts = new PostalReceiptMail({
    db,
    queue,
    files: deps.postal.files,
    company: deps.postal.company,
    messageIdSecret: config.MAIL_MESSAGE_ID_SECRET,
    messageIdDomain: config.MAIL_MESSAGE_ID_DOMAIN,
    logger,
  });
  const relay = new PendingMailRelay(db, queue, config.MAIL_OUTBOX_POLL_MS, logger, lifecycle);
  relay.start();
  // Deliveries the gateway recorded but could not queue (Redis refused, a crash): every 15 outbox polls.
  const deliveries = new QueuedDeliveryRelay(
    db,
    queue,
    15 * config.MAIL_OUTBOX_POLL_MS,
    { attempts: config.ANSWER_DELIVERY_ATTEMPTS, backoffMs: config.ANSWER_DELIVERY_BACKOFF_MS },
    logger,
  );
  deliveries.start();
  const transcripts = new TranscriptRelay({
    db,
    queue,
    messageIdSecret: config.MAIL_MESSAGE_ID_SECRET,
    messageIdDomain: config.MAIL_MESSAGE_ID_DOMAIN,
    intervalMs: config.MAIL_OUTBOX_POLL_MS,
    logger,
    inboxHoldsUpTo: (conversationId, upToSeq) => inboxHoldsUpTo(deps.connection, deps.prefix, conversationId, upToSeq),
  });
  transcripts.start();
  return {
    processor: async (job) => {
      if (job.name === JOB_NAMES.outboundEmail) return send(job);
      if (job.name === JOB_NAMES.inboundBounce) return bounce(job);
      if (job.name === JOB_NAMES.answerDelivery) return deliverAnswer(job);
      if (job.name === JOB_NAMES.surveyInvite) return inviteToSurvey(job);
      throw new UnrecoverableError(`unknown outbound job ${job.name}`);
    },
    threading,
    postalReceipts,
    queue,
    relay,
    async close() {
      await transcripts.stop();
      await relay.stop();
      await deliveries.stop();
      await queue.close();
      mailer.close();
    },
  };
}
