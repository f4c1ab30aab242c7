import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { SURVEY_TEXTS, surveyInviteJobSchema } from '@cg/contracts';
import type { Database } from '@cg/db';
import { signMessageId, surveyInviteMail } from '@cg/mail';
import { queueOutboundMail, type OutboundQueue } from '@cg/queue';

export interface SurveyInviteDeps {
  db: Database;
  /** The outbound queue: the invitation mail is queued like every other mail (queueOutboundMail). */
  queue: OutboundQueue;
  /** Posts into a livechat conversation from this process (absent: chat cases get the email only). */
  chat?: { post(msg: { conversationId: string; messageId?: string; text: string; sender?: { kind: 'system' } }): Promise<unknown> };
  messageIdSecret: string;
  messageIdDomain: string;
  logger: Logger;
}

export interface SurveyInviteResult {
  caseNumber: string;
  /** `email`: a mail queued; `chat`: posted in the open conversation; `staff`: only shown to staff on the case (no address). */
  outcome: 'email' | 'chat' | 'staff' | 'nothing-to-do';
}

/**
 * Sends a closed case's satisfaction survey link (issue 9, step 5), queued by the gateway when
 * the case closed, once per closing (jobId survey-<case>-<round>). On the case's channel where
 * possible:
 * - email: a mail to the case's customer address, queued through `queueOutboundMail` like every
 *   automatic mail (outbox row kind `survey`, deduped per closing; the send job journals it on the
 *   case, applies the per-address limit and records bounces);
 * - livechat: a message in the conversation while it is open, else the email when an address was given;
 * - hotline / postal: the operator or clerk sees the link on the case (GET …/survey-link) and
 *   reads it out or prints it; the email too when the case has an address.
 * A case reopened since (another round) or no longer closed gets nothing: its link is void.
 */
export function surveyInviteHandler(deps: SurveyInviteDeps) {
  return async (job: Job<unknown>): Promise<SurveyInviteResult> => {
    const parsed = surveyInviteJobSchema.safeParse(job.data);
    if (!parsed.success) throw new UnrecoverableError(`invalid survey-invite job: ${parsed.error.issues.map((i) => i.message).join('; ')}`);
    const { caseNumber, round, url } = parsed.data;
    const expiresAt = new Date(parsed.data.expiresAt);
    const c = await deps.db.cases.findByCaseNumber(caseNumber);
    if (!c || c.status !== 'closed' || (c.reopenCount ?? 0) !== round) return { caseNumber, outcome: 'nothing-to-do' };

    if (c.channel === 'livechat' && deps.chat) {
      const conversation = await deps.db.conversations.findById(c.idempotencyKey);
      if (conversation?.status === 'open') {
        await deps.chat.post({
          conversationId: c.idempotencyKey,
          // The same id on a retry: the conversation log keeps one message.
          messageId: `survey-${caseNumber}-${round}`,
          sender: { kind: 'system' },
          // Both languages, as in every automatic message (the chat page shows it as sent).
          text: [SURVEY_TEXTS.vi, SURVEY_TEXTS.en].map((t) => `${t.title}: ${t.intro(caseNumber)}`).join('\n') + `\n${url}`,
        });
        return { caseNumber, outcome: 'chat' };
      }
    }
    const to = c.customer?.email;
    if (!to) {
      deps.logger.info({ caseNumber, round, channel: c.channel }, 'survey link shown to staff only (no customer email)');
      return { caseNumber, outcome: 'staff' };
    }
    const content = surveyInviteMail({ caseNumber, ...(c.customer?.name ? { customerName: c.customer.name } : {}), url, expiresAt });
    const { record } = await deps.db.mailOutbound.createIfAbsent({
      kind: 'survey',
      dedupeKey: `survey:${caseNumber}:${round}`,
      caseNumber,
      to,
      subject: content.subject,
      text: content.text,
      messageId: signMessageId(deps.messageIdSecret, deps.messageIdDomain, caseNumber),
      autoSubmitted: true,
    });
    await queueOutboundMail(deps.queue, record);
    return { caseNumber, outcome: 'email' };
  };
}
