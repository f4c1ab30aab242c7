import { CaseNotFound, type CaseActionInputs, type CaseLifecycle } from '@cg/core';

/**
 * Journals what happened to one email of a case (sent, suppressed, bounced) through the case
 * lifecycle: written once per key (a retried job writes nothing twice), serialised with every
 * other change of the case. A case that does not exist (any more) is skipped.
 */
export async function journalMailEvent(
  lifecycle: Pick<CaseLifecycle, 'mailEvent'>,
  caseNumber: string,
  event: CaseActionInputs['mail_event'],
): Promise<boolean> {
  try {
    return (await lifecycle.mailEvent(caseNumber, { kind: 'system' }, event)).changed;
  } catch (err) {
    if (err instanceof CaseNotFound) return false;
    throw err;
  }
}
