import type { ErrorRequestHandler } from 'express';
import { CaseConflict, CaseInputInvalid, CaseLockUnavailable, CaseNotFound, NotPermitted, TransitionRefused } from '@cg/core';

/**
 * The CaseLifecycle's typed errors as problem documents (RFC 9457, with extension members):
 * CaseNotFound 404 (also another department's case), TransitionRefused 409 naming the current
 * state and the allowed actions, NotPermitted 403, CaseConflict 409 (retry), CaseInputInvalid 400
 * naming the field, CaseLockUnavailable 503 (Redis down: nothing was written). Anything else goes on to the generic handler.
 */
export const caseProblemHandler: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  const send = (status: number, code: string, title: string, detail: string, extra: Record<string, unknown> = {}) =>
    res
      .status(status)
      .type('application/problem+json')
      .json({ type: `urn:complaint-gateway:problem:${code}`, title, status, detail, ...extra });
  if (err instanceof CaseNotFound) return send(404, 'case_not_found', 'Case not found', `no case ${err.caseNumber}`);
  if (err instanceof TransitionRefused) {
    return send(409, 'transition_refused', `Not possible while the case is ${err.state}`, err.message, {
      caseNumber: err.caseNumber,
      action: err.action,
      state: err.state,
      allowedActions: err.allowedActions,
    });
  }
  if (err instanceof NotPermitted) return send(403, 'forbidden', 'Not allowed for your role', err.message, { action: err.action });
  if (err instanceof CaseConflict) {
    return send(409, 'case_conflict', 'The case changed meanwhile', `${err.message}`, { caseNumber: err.caseNumber, retryable: true });
  }
  if (err instanceof CaseInputInvalid) {
    return send(400, 'validation_failed', 'Invalid request body', `Fix these fields: ${err.field}`, {
      errors: [{ field: err.field, code: 'invalid_value', message: err.message }],
    });
  }
  if (err instanceof CaseLockUnavailable) {
    res.set('Retry-After', '5');
    return send(503, 'case_lock_unavailable', 'Temporarily unavailable', err.message, { retryable: true });
  }
  next(err);
};
