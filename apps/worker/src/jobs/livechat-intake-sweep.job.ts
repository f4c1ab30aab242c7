import type { Job } from 'bullmq';
import type { Logger } from 'pino';
import { JOB_NAMES } from '@cg/contracts';
import type { ConversationRepository } from '@cg/db';
import type { LivechatIntake } from '@cg/livechat';

export const LIVECHAT_INTAKE_SWEEP_JOB = JOB_NAMES.livechatIntakeSweep;

/** Chats quiet for longer than this are no longer swept (a complaint older than a week without a case is a person's job). */
const WINDOW_MS = 7 * 24 * 3600_000;
/** Conversations looked at per sweep (the next sweep takes the rest). */
const PER_SWEEP = 100;

/**
 * The livechat intake sweep (maintenance queue, on a schedule): a visitor's complaint is durable
 * before its intake (Redis inbox, or MongoDB when Redis is away); when the intake then fails the
 * visitor is told to retry, and the gateway also retries whenever the visitor comes back. A visitor
 * who closed the page would leave a complaint that never becomes a case: this finds chats with
 * messages, no case and no receipt, quiet for `afterMs`, and puts each through the same intake as
 * the gateway (`LivechatIntake`: idempotency key = the conversation id, so a visitor coming back
 * at the same moment gets the same case). A failure leaves it for the next sweep.
 */
export function livechatIntakeSweepHandler(deps: {
  conversations: Pick<ConversationRepository, 'withoutCase'>;
  intake: Pick<LivechatIntake, 'ensureCase'>;
  afterMs: number;
  logger: Logger;
}) {
  return async (_job: Job<unknown>): Promise<{ candidates: number; opened: number; failed: number }> => {
    const now = Date.now();
    const candidates = await deps.conversations.withoutCase(new Date(now - WINDOW_MS), new Date(now - deps.afterMs), PER_SWEEP);
    let opened = 0;
    let failed = 0;
    for (const conversation of candidates) {
      const conversationId = String(conversation._id);
      try {
        const result = await deps.intake.ensureCase(conversationId, undefined, conversation);
        if (result?.posted) {
          opened++;
          deps.logger.info(
            { conversationId, caseNumber: result.receipt.caseNumber },
            'livechat complaint without a case: intake done by the sweep',
          );
        }
      } catch (err) {
        failed++;
        deps.logger.warn({ conversationId, err: (err as Error).message }, 'livechat intake sweep: not yet (the next sweep retries)');
      }
    }
    return { candidates: candidates.length, opened, failed };
  };
}
