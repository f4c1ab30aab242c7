import { z } from 'zod';

/**
 * The satisfaction survey after a case closes (issue 9, step 5). Read by the gateway, which signs
 * the link (with AUTH_TOKEN_SECRET, audience `case-survey`) when a case closes and when staff
 * look at a closed case, and checks it when the customer answers.
 */
export const surveyEnvShape = {
  /** Days a survey link stays valid, counted from the case's closing. */
  SURVEY_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(14),
};
