import { CHANNELS } from '@cg/contracts';
import { z } from 'zod';
import { toInstant } from './dates';

/** Bad input to a letter: names every bad field (`customer.name`, `signer.title`, …). */
export class LetterInputError extends Error {
  override readonly name = 'LetterInputError';
  constructor(
    readonly letter: string,
    readonly issues: { field: string; message: string }[],
  ) {
    super(`${letter}: invalid input: ${issues.map((i) => `${i.field || '(input)'}: ${i.message}`).join('; ')}`);
  }
}

export const LANGUAGES = ['vi', 'en'] as const;
export type LetterLanguage = (typeof LANGUAGES)[number];

/** Text printed as given (after NFC); control characters other than newlines are refused. */
const text = (max: number) =>
  z
    .string()
    .transform((s) => s.normalize('NFC').replace(/\r\n?/g, '\n').replace(/\t/g, ' '))
    .pipe(
      z
        .string()
        .trim()
        .min(1, 'required')
        .max(max, `at most ${max} characters`)
        // eslint-disable-next-line no-control-regex
        .refine((s) => !/[\u0000-\u0009\u000b-\u001f\u007f]/.test(s), 'contains control characters'),
    );

const oneLine = (max: number) => text(max).refine((s) => !s.includes('\n'), 'must be one line');

/** A Date, an ISO date-time with offset, or `YYYY-MM-DD` (that day in Vietnam). */
const when = z.union([z.date(), z.string()], { error: 'required: a date (Date, ISO date-time or YYYY-MM-DD)' }).transform((v, ctx) => {
  const instant = toInstant(v);
  if (!instant) {
    ctx.addIssue({ code: 'custom', message: 'not a valid date (Date, ISO date-time with offset, or YYYY-MM-DD)' });
    return z.NEVER;
  }
  return instant;
});

/** A deadline as the calendar gives it: the day (`YYYY-MM-DD`, ending 24:00) or the instant it passes. */
const deadline = z
  .union([z.date(), z.string()], { error: 'required: a deadline (YYYY-MM-DD or the instant it passes)' })
  .refine((v) => toInstant(v) !== undefined, 'not a valid date (YYYY-MM-DD, ISO date-time with offset, or Date)');

export const companySchema = z.object({
  name: oneLine(200),
  address: oneLine(300),
  hotline: oneLine(60),
  email: z.email('not an email address'),
  /** The city in the date line ("Hà Nội, ngày …"); default Hà Nội / Hanoi. */
  city: oneLine(80).optional(),
  /** Tax code or registration, printed under the name when given. */
  taxCode: oneLine(40).optional(),
});

const customerSchema = z.object({
  name: oneLine(200),
  address: text(400).optional(),
  email: z.email('not an email address').optional(),
  phone: oneLine(40).optional(),
});

const base = {
  language: z.enum(LANGUAGES, { error: "'vi' or 'en'" }).default('vi'),
  company: companySchema,
  caseNumber: oneLine(40),
  receivedAt: when,
  customer: customerSchema,
};

export const answerLetterInputSchema = z
  .object({
    ...base,
    /** The day the answer is given (printed as the letter's date and "date of answer"). */
    answeredAt: when,
    complaintSummary: text(5000),
    findings: text(10000),
    cause: text(5000),
    remedy: text(10000),
    /** How to take the matter further; default: the standard text (hotline, email, authorities). */
    furtherSteps: text(3000).optional(),
    signer: z.object({
      name: oneLine(120),
      title: oneLine(160),
      /** Date of signature; default: answeredAt. */
      signedAt: when.optional(),
    }),
    /** "Nơi nhận" lines; default: the customer and the case file. */
    copiesTo: z.array(oneLine(200)).max(10).optional(),
  })
  .strict();

export const receiptLetterInputSchema = z
  .object({
    ...base,
    channel: z.enum(CHANNELS, { error: `one of ${CHANNELS.join(', ')}` }),
    complaintSummary: text(5000),
    customerRequest: text(3000),
    deadlines: z.object({
      target: deadline,
      cap: deadline,
      /** Printed with the target, e.g. 5 (working days after the day of receipt). */
      targetWorkingDays: z.number().int().min(1).max(365).optional(),
      capLength: z.number().int().min(1).max(365).optional(),
      capUnit: z.enum(['working_days', 'calendar_days']).optional(),
    }),
    /** The day the slip is issued; default: receivedAt. */
    issuedAt: when.optional(),
    /** The person who took the complaint in (postal clerk, operator). */
    receivedBy: z.object({ name: oneLine(120), title: oneLine(160).optional() }).optional(),
  })
  .strict();

export type AnswerLetterInput = z.input<typeof answerLetterInputSchema>;
export type AnswerLetter = z.output<typeof answerLetterInputSchema>;
export type ReceiptLetterInput = z.input<typeof receiptLetterInputSchema>;
export type ReceiptLetter = z.output<typeof receiptLetterInputSchema>;

export function parseLetterInput<S extends z.ZodType>(letter: string, schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new LetterInputError(
    letter,
    result.error.issues.map((i) => ({ field: i.path.map(String).join('.'), message: i.message })),
  );
}
