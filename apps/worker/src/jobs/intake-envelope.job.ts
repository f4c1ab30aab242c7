import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import { JOB_NAMES, OPEN_STATUSES, intakeEnvelopeSchema, type IntakeEnvelope } from '@cg/contracts';
import { buildSearchText, type CaseClassification, type CaseDeadlines, type CaseLifecycle, type StoredCase } from '@cg/core';

export const INTAKE_ENVELOPE_JOB = JOB_NAMES.intakeEnvelope;
export const intakeEnvelopeJobSchema = intakeEnvelopeSchema;

export interface IntakeJobDeps {
  /** `receive`: the case's single insert, its first journal from the state machine. */
  lifecycle: Pick<CaseLifecycle, 'receive'>;
  classify(text: string): CaseClassification;
  computeDeadlines(receivedAt: Date): CaseDeadlines;
  /** Plans the case's deadline checks (idempotent; called on every attempt, so a retry repairs a missed one). */
  scheduleDeadlineChecks(record: StoredCase): Promise<void>;
  /** Email: a reply to an existing case joins it instead of opening a new one (apps/worker/src/mail). */
  attachReply?(envelope: IntakeEnvelope): Promise<IntakeJobResult | null>;
  /** Runs on every attempt once the case exists, e.g. queues the email receipt (idempotent). */
  afterCase?(record: StoredCase, envelope: IntakeEnvelope): Promise<void>;
  logger: Logger;
}

export interface IntakeJobResult {
  caseNumber: string;
  created: boolean;
  department: string;
  status: string;
  /** New cases only: the classifier abstained and the case went to triage (a metric). */
  abstained?: boolean;
}

/**
 * Persists one complaint as a case, classified and routed, in a single insert. Idempotent:
 * the unique index on (channel, idempotencyKey) turns a repeat into "already there".
 */
export function intakeEnvelopeHandler(deps: IntakeJobDeps) {
  return async (job: Job<unknown>): Promise<IntakeJobResult> => {
    const parsed = intakeEnvelopeJobSchema.safeParse(job.data);
    if (!parsed.success) {
      // Bad input never gets better by retrying: straight to the dead-letter collection.
      throw new UnrecoverableError(
        `invalid intake envelope: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
      );
    }
    const envelope: IntakeEnvelope = parsed.data;
    // Every line about this complaint carries its correlation id and case number.
    const log = deps.logger.child({
      correlationId: envelope.correlationId ?? job.id,
      caseNumber: envelope.caseNumber,
      channel: envelope.channel,
    });
    const attached = deps.attachReply ? await deps.attachReply(envelope) : null;
    if (attached) {
      log.info({ joined: attached.caseNumber }, 'message joined an existing case');
      return attached;
    }
    const text = [envelope.subject, envelope.bodyText].filter(Boolean).join('\n');
    const classification = deps.classify(text);
    const deadlines = deps.computeDeadlines(new Date(envelope.receivedAt));
    const searchText = buildSearchText([
      envelope.caseNumber,
      envelope.subject,
      envelope.bodyText,
      envelope.customer.name,
      envelope.customer.phone,
      envelope.customer.email,
      envelope.customer.customerId,
    ]);
    const { record, created } = await deps.lifecycle.receive(envelope, classification, deadlines, searchText);
    if (!created && record.caseNumber !== envelope.caseNumber) {
      log.warn(
        { existing: record.caseNumber, offered: envelope.caseNumber, key: envelope.idempotencyKey },
        'repeat submission carried a different case number; the existing case stands',
      );
    }
    if (OPEN_STATUSES.includes(record.status)) await deps.scheduleDeadlineChecks(record);
    await deps.afterCase?.(record, envelope);
    log.info({ created, department: record.department, status: record.status, abstained: classification.abstained }, 'case received');
    return {
      caseNumber: record.caseNumber,
      created,
      department: record.department,
      status: record.status,
      abstained: classification.abstained,
    };
  };
}
