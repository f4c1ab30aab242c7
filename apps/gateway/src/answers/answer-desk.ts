import type { Logger } from 'pino';
import { hasPermission, TransitionRefused, type CaseActor, type CaseLifecycle, type CaseResult } from '@cg/core';
import type { StaffUserRepository } from '@cg/db';
import { queueAnswerDelivery, type OutboundQueue } from '@cg/queue';
import { hasUnfilledSections } from '@cg/letters';
import { HttpProblem } from '../http/problem';
import type { AnswerLetters } from './answer-letters';

/**
 * The CaseLifecycle as the case action routes use it, with step 4's side effects around two
 * commands (the lifecycle itself stays free of I/O beyond the case):
 * - `approve` of a written answer first renders, signs and stores the letter of the draft being
 *   approved, and the approval records its SHA-256 (a draft changed meanwhile is refused: 409);
 * - `deliver` renders the letter of a written answer that has none, then, once the lifecycle has
 *   answered the case, queues the delivery job on the channel (BullMQ, retried with backoff).
 * The lifecycle's rules stay the only gate: nothing written is delivered before approval.
 */
export function lifecycleWithAnswerDelivery(
  lifecycle: CaseLifecycle,
  deps: {
    letters: AnswerLetters;
    staffUsers: Pick<StaffUserRepository, 'findByEmail'>;
    queue: OutboundQueue;
    retry: { attempts: number; backoffMs: number };
    logger: Logger;
  },
): CaseLifecycle {
  const titleOf = async (actor: CaseActor) =>
    actor.kind === 'staff' && actor.email ? ((await deps.staffUsers.findByEmail(actor.email))?.title ?? undefined) : undefined;

  const approve: CaseLifecycle['approve'] = async (caseNumber, actor, input) => {
    if (actor.kind !== 'staff' || !hasPermission(actor.role, 'cases:approve')) return lifecycle.approve(caseNumber, actor, input);
    const c = await lifecycle.get(caseNumber, actor);
    // Anything else (wrong state, no draft) is refused by the lifecycle with its own 409.
    if (c.status !== 'answer_pending_approval' || !c.answer?.written) return lifecycle.approve(caseNumber, actor, input);
    if (hasUnfilledSections(c.answer.text)) {
      throw new HttpProblem(422, 'draft_incomplete', 'The draft is not finished', 'fill in every section marked as not reported', [
        { field: 'text', code: 'unfilled_section', message: 'a section still says it was not reported: fill it in before sign-off' },
      ]);
    }
    const title = await titleOf(actor);
    const letter = await deps.letters.issue(c, { name: actor.name, role: actor.role, ...(title ? { title } : {}) }, new Date());
    return lifecycle.approve(caseNumber, actor, { ...input, letter: { ...letter, draftedAt: c.answer.draftedAt } });
  };

  const deliver: CaseLifecycle['deliver'] = async (caseNumber, actor, input) => {
    let letterInput = input;
    if (actor.kind === 'staff' && hasPermission(actor.role, 'cases:deliver')) {
      const c = await lifecycle.get(caseNumber, actor);
      const a = c.answer;
      // A written answer approved before letters existed gets its letter now, signed for its approver.
      if (c.status === 'answer_ready' && a?.written && a.approvedAt && a.approvedBy && !a.letter) {
        const letter = await deps.letters.issue(c, { name: a.approvedBy.name, role: 'supervisor' }, new Date());
        letterInput = { ...input, letter };
      }
    }
    let result: CaseResult;
    try {
      result = await lifecycle.deliver(caseNumber, actor, letterInput);
    } catch (err) {
      // Asked again after a 503 below: the case is answered and its delivery still queued — queue it
      // again (the same jobId: a no-op when the job exists), then answer the refusal as usual.
      if (err instanceof TransitionRefused && err.state === 'answered') {
        const c = await lifecycle.get(caseNumber, actor).catch(() => undefined);
        const d = c?.answer?.delivery;
        if (d?.status === 'queued') await queueAnswerDelivery(deps.queue, deliveryJob(caseNumber, d), deps.retry).catch(() => undefined);
      }
      throw err;
    }
    if (result.changed) {
      try {
        await queueAnswerDelivery(deps.queue, { caseNumber, round: result.case.reopenCount }, deps.retry);
      } catch (err) {
        deps.logger.error({ caseNumber, err: (err as Error).message }, 'answer issued but its delivery could not be queued');
        throw new HttpProblem(
          503,
          'delivery_not_queued',
          'The answer is recorded but its delivery could not be queued',
          `case ${caseNumber} is answered; queueing the delivery failed (${(err as Error).message}). Try again shortly.`,
          undefined,
          { 'Retry-After': '5' },
        );
      }
    }
    return result;
  };

  /** "Deliver again" after a failure: the lifecycle records the new attempt, then its own job is queued. */
  const redeliver: CaseLifecycle['redeliver'] = async (caseNumber, actor, input) => {
    let result: CaseResult;
    try {
      result = await lifecycle.redeliver(caseNumber, actor, input);
    } catch (err) {
      // Asked again after a 503 below: the attempt is recorded and still queued — queue it again (same jobId).
      if (err instanceof TransitionRefused) {
        const d = (await lifecycle.get(caseNumber, actor).catch(() => undefined))?.answer?.delivery;
        if (d?.status === 'queued') await queueAnswerDelivery(deps.queue, deliveryJob(caseNumber, d), deps.retry).catch(() => undefined);
      }
      throw err;
    }
    const d = result.case.answer?.delivery;
    if (result.changed && d) {
      try {
        await queueAnswerDelivery(deps.queue, deliveryJob(caseNumber, d), deps.retry);
      } catch (err) {
        deps.logger.error({ caseNumber, err: (err as Error).message }, 'delivery requested again but its job could not be queued');
        throw new HttpProblem(
          503,
          'delivery_not_queued',
          'The new delivery is recorded but could not be queued',
          `queueing the delivery of case ${caseNumber} failed (${(err as Error).message}); the worker's relay queues it shortly, or try again.`,
          undefined,
          { 'Retry-After': '5' },
        );
      }
    }
    return result;
  };

  return Object.assign(Object.create(lifecycle) as CaseLifecycle, { approve, deliver, redeliver });
}

function deliveryJob(caseNumber: string, d: { round: number; attempt?: number }) {
  return { caseNumber, round: d.round, ...(d.attempt ? { attempt: d.attempt } : {}) };
}
