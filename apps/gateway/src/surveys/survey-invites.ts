import type { Logger } from 'pino';
import { JOB_NAMES, SURVEY_PAGE_PATH, type SurveyInviteJob } from '@cg/contracts';
import type { CaseLifecycle, CaseResult, SurveyTokenService } from '@cg/core';
import { DEFAULT_JOB_OPTIONS, safeJobId, type OutboundQueue } from '@cg/queue';

/** The survey link of a closed case's current closing (the same link every time it is asked for). */
export function surveyLinkOf(
  surveys: SurveyTokenService,
  publicUrl: string,
  c: { caseNumber: string; reopenCount: number; closedAt?: Date | string },
): { url: string; expiresAt: Date; round: number } | null {
  if (!c.closedAt) return null;
  const { token, expiresAt } = surveys.issue({ caseNumber: c.caseNumber, round: c.reopenCount, closedAt: new Date(c.closedAt) });
  return { url: `${publicUrl.replace(/\/+$/, '')}${SURVEY_PAGE_PATH}/${token}`, expiresAt, round: c.reopenCount };
}

/**
 * Queues the sending of a closed case's survey link (job `survey-invite` on the outbound queue;
 * the worker sends it on the case's channel), once per closing: the jobId names the case and
 * the round, so a retried or repeated add is a no-op.
 */
export async function queueSurveyInvite(queue: OutboundQueue, job: SurveyInviteJob): Promise<void> {
  await queue.add(JOB_NAMES.surveyInvite, job, { ...DEFAULT_JOB_OPTIONS, jobId: safeJobId('survey', job.caseNumber, String(job.round)) });
}

/**
 * The CaseLifecycle with step 5's side effect around `close`: once a close is committed, the
 * survey link of that closing is signed and its sending queued. A reopened case that closes
 * again gets a new round, so a new link; the old one is refused by the lifecycle's `survey`
 * action (it names its round). The close stands if the queue refuses (Redis down): the link is
 * still shown to staff on the case (GET …/survey-link), and the failure is logged.
 */
export function lifecycleWithSurveyInvites(
  lifecycle: CaseLifecycle,
  deps: { surveys: SurveyTokenService; queue: OutboundQueue; publicUrl: () => string; logger: Logger },
): CaseLifecycle {
  const close: CaseLifecycle['close'] = async (caseNumber, actor, input) => {
    const result: CaseResult = await lifecycle.close(caseNumber, actor, input);
    if (result.changed && result.case.status === 'closed') {
      const link = surveyLinkOf(deps.surveys, deps.publicUrl(), result.case);
      if (link) {
        await queueSurveyInvite(deps.queue, {
          caseNumber,
          round: link.round,
          url: link.url,
          expiresAt: link.expiresAt.toISOString(),
        }).catch((err: Error) =>
          deps.logger.error({ caseNumber, err: err.message }, 'case closed but its survey invitation could not be queued'),
        );
      }
    }
    return result;
  };
  return Object.assign(Object.create(lifecycle) as CaseLifecycle, { close });
}
