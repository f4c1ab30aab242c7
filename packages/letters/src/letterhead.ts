import { type DayParts } from './dates';
import { type AnswerLetter } from './input';
import { type LetterWriter } from './layout';
import { type LetterTexts } from './texts';

type Company = AnswerLetter['company'];

/**
 * The top of every letter: the company (name, address, hotline, email) on the left and, in
 * Vietnamese, the national heading on the right as administrative letters have it; the case
 * number under the company, then the place and date.
 */
export function drawLetterhead(
  w: LetterWriter,
  t: LetterTexts,
  a: { company: Company; caseNumber: string; date: DayParts; language: 'vi' | 'en' },
): void {
  // The right column fits the national heading on one line; the company block wraps in the rest.
  const rightWidth = t.nationalHeading
    ? Math.min(w.contentWidth * 0.6, w.font('bold').widthOfTextAtSize(t.nationalHeading[0], 10) + 16)
    : w.contentWidth * 0.3;
  const rightX = w.contentWidth - rightWidth;
  const leftWidth = rightX - 8;
  const c = a.company;
  const companyLines = [
    { text: a.language === 'vi' ? c.name.toLocaleUpperCase('vi') : c.name, style: 'bold' as const, size: 10.5 },
    ...(c.taxCode ? [{ text: `${t.taxCode}: ${c.taxCode}`, size: 8.5, grey: true }] : []),
    { text: c.address, size: 8.5, grey: true },
    { text: `${t.hotline}: ${c.hotline} · ${t.email}: ${c.email}`, size: 8.5, grey: true, after: 4 },
    { text: `${t.caseNumber}: ${a.caseNumber}`, size: 10.5 },
    // Centred under the name in the Vietnamese style; flush left in English.
  ].map((l) => ({ ...l, align: t.nationalHeading ? ('center' as const) : ('left' as const) }));

  const right = t.nationalHeading
    ? [
        { text: t.nationalHeading[0], style: 'bold' as const, size: 10, align: 'center' as const },
        { text: t.nationalHeading[1], style: 'bold' as const, size: 11, align: 'center' as const, underline: true },
      ]
    : [];
  w.columns(
    [
      { x: 0, width: leftWidth, lines: companyLines },
      { x: rightX, width: rightWidth, lines: right },
    ],
    10,
  );
  const city = c.city ?? t.defaultCity;
  w.text(t.placeAndDate(city, a.date), {
    style: 'italic',
    size: 10.5,
    x: a.language === 'vi' ? rightX : 0,
    width: a.language === 'vi' ? rightWidth : w.contentWidth,
    align: a.language === 'vi' ? 'center' : 'right',
    after: 14,
  });
}
