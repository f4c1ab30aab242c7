import { vnDay } from './dates';
import { type AnswerLetterInput, answerLetterInputSchema, parseLetterInput } from './input';
import { LetterWriter } from './layout';
import { drawLetterhead } from './letterhead';
import { LETTER_TEXTS } from './texts';

/**
 * The written answer (văn bản trả lời) to a complaint, step 4 of the procedure: letterhead,
 * place and date, case number, dates of receipt and answer, the customer, a summary of the
 * complaint, findings, cause, remedy, how to take the matter further, and the signer block of
 * the supervisor who approved it. Vietnamese unless `language` is `en`. Returns the PDF (unsigned;
 * `signPdf` signs it). Throws `LetterInputError` naming every bad field.
 */
export async function renderAnswerLetter(input: AnswerLetterInput): Promise<Uint8Array> {
  const a = parseLetterInput('answer letter', answerLetterInputSchema, input);
  const t = LETTER_TEXTS[a.language];
  const answered = vnDay(a.answeredAt);
  const received = vnDay(a.receivedAt);
  const signed = vnDay(a.signer.signedAt ?? a.answeredAt);

  const w = await LetterWriter.create({
    title: t.answer.subject(a.caseNumber),
    subject: t.answer.subject(a.caseNumber),
    author: a.company.name,
    language: a.language === 'vi' ? 'vi-VN' : 'en',
    createdAt: a.answeredAt,
  });

  drawLetterhead(w, t, { company: a.company, caseNumber: a.caseNumber, date: answered, language: a.language });

  w.text(t.answer.title, { style: 'bold', size: 14, align: 'center', after: 2 });
  w.text(`(${t.caseNumber}: ${a.caseNumber})`, { size: 10.5, align: 'center', after: 14 });

  const labelWidth = w.labelWidth([t.answer.to, t.answer.address, t.answer.receivedOn, t.answer.answeredOn]);
  w.labelled(t.answer.to, a.customer.name, { labelWidth });
  if (a.customer.address) w.labelled(t.answer.address, a.customer.address.replace(/\n+/g, ', '), { labelWidth });
  w.labelled(t.answer.receivedOn, t.date(received), { labelWidth });
  w.labelled(t.answer.answeredOn, t.date(answered), { labelWidth, after: 10 });

  w.paragraphs(t.answer.opening(a.company.name, a.caseNumber, t.date(received)), { after: 4 });

  const sections: [string, string][] = [
    [t.answer.summary, a.complaintSummary],
    [t.answer.findings, a.findings],
    [t.answer.cause, a.cause],
    [t.answer.remedy, a.remedy],
    [
      t.answer.further,
      a.furtherSteps ?? t.answer.defaultFurther({ hotline: a.company.hotline, email: a.company.email, caseNumber: a.caseNumber }),
    ],
  ];
  for (const [heading, body] of sections) {
    w.heading(heading);
    w.paragraphs(body, { indent: 14, after: 2 });
  }
  w.gap(8);
  // The closing words stay on the page of the signature.
  w.ensure(w.wrap(t.answer.closing, w.contentWidth).length * w.lineHeight(11) + 120);
  w.paragraphs(t.answer.closing, { after: 14 });

  // Signer block (right) beside the "copies to" list (left), kept on one page.
  const split = w.contentWidth * 0.4;
  w.columns([
    {
      x: 0,
      width: split - 10,
      lines: [
        { text: t.answer.copiesTo, style: 'boldItalic', size: 9.5 },
        ...(a.copiesTo ?? t.answer.defaultCopies(a.caseNumber)).map((text) => ({ text, size: 9 })),
      ],
    },
    {
      x: split,
      width: w.contentWidth - split,
      lines: [
        { text: a.signer.title.toLocaleUpperCase(a.language), style: 'bold', size: 10.5, align: 'center', after: 6 },
        { text: t.answer.digitallySigned, style: 'italic', size: 9.5, align: 'center', grey: true, after: 24 },
        { text: a.signer.name, style: 'bold', size: 11, align: 'center' },
        { text: `${t.answer.signedOn}: ${t.date(signed)}`, style: 'italic', size: 9.5, align: 'center' },
      ],
    },
  ]);

  return w.finish((n, of) => ({ left: `${a.company.name} · ${t.answer.subject(a.caseNumber)}`, right: t.page(n, of) }));
}
