import { deadlineDay, vnDay, vnTime } from './dates';
import { parseLetterInput, type ReceiptLetterInput, receiptLetterInputSchema } from './input';
import { LetterWriter } from './layout';
import { drawLetterhead } from './letterhead';
import { LETTER_TEXTS } from './texts';

/**
 * The receipt slip (phiếu tiếp nhận) of a complaint, step 1: case number, when and on which
 * channel it was received, the complaint in brief, what the customer asks, the target deadline
 * and the legal cap. Printed and mailed for postal complaints, attached to e-mail otherwise.
 * Vietnamese unless `language` is `en`. Throws `LetterInputError` naming every bad field.
 */
export async function renderReceiptLetter(input: ReceiptLetterInput): Promise<Uint8Array> {
  const r = parseLetterInput('receipt letter', receiptLetterInputSchema, input);
  const t = LETTER_TEXTS[r.language];
  const issuedAt = r.issuedAt ?? r.receivedAt;
  const received = vnDay(r.receivedAt);

  const w = await LetterWriter.create({
    title: t.receipt.subject(r.caseNumber),
    subject: t.receipt.subject(r.caseNumber),
    author: r.company.name,
    language: r.language === 'vi' ? 'vi-VN' : 'en',
    createdAt: issuedAt,
  });

  drawLetterhead(w, t, { company: r.company, caseNumber: r.caseNumber, date: vnDay(issuedAt), language: r.language });

  w.text(t.receipt.title, { style: 'bold', size: 14, align: 'center', after: 2 });
  w.text(`(${t.caseNumber}: ${r.caseNumber})`, { size: 10.5, align: 'center', after: 14 });
  w.paragraphs(t.receipt.intro(r.company.name), { after: 8 });

  const labelWidth = w.labelWidth([
    t.caseNumber,
    t.receipt.receivedAt,
    t.receipt.channel,
    t.receipt.customer,
    t.receipt.address,
    t.receipt.contact,
    t.receipt.target,
    t.receipt.cap,
  ]);
  const row = (label: string, value: string, after = 3) => w.labelled(label, value, { labelWidth, after });
  row(t.caseNumber, r.caseNumber);
  row(t.receipt.receivedAt, `${vnTime(r.receivedAt)} ${r.language === 'vi' ? 'ngày ' : ''}${t.date(received)}`);
  row(t.receipt.channel, t.receipt.channels[r.channel]);
  row(t.receipt.customer, r.customer.name);
  if (r.customer.address) row(t.receipt.address, r.customer.address.replace(/\n+/g, ', '));
  const contact = [r.customer.phone, r.customer.email].filter(Boolean).join(' · ');
  if (contact) row(t.receipt.contact, contact);
  w.gap(4);

  w.heading(t.receipt.complaint);
  w.paragraphs(r.complaintSummary, { indent: 14, after: 2 });
  w.heading(t.receipt.request);
  w.paragraphs(r.customerRequest, { indent: 14, after: 10 });

  const d = r.deadlines;
  row(t.receipt.target, t.receipt.targetValue(t.date(deadlineDay(d.target)), d.targetWorkingDays));
  row(t.receipt.cap, t.receipt.capValue(t.date(deadlineDay(d.cap)), d.capLength, d.capUnit), 12);

  w.text(t.receipt.note({ hotline: r.company.hotline, email: r.company.email, caseNumber: r.caseNumber }), {
    style: 'italic',
    size: 10,
    after: 18,
  });

  if (r.receivedBy) {
    const half = w.contentWidth / 2;
    w.columns([
      {
        x: half,
        width: w.contentWidth - half,
        lines: [
          { text: t.receipt.receivedBy, style: 'bold', size: 10.5, align: 'center' },
          ...(r.receivedBy.title ? [{ text: r.receivedBy.title, style: 'italic' as const, size: 9.5, align: 'center' as const }] : []),
          { text: '', size: 11, after: 12 },
          { text: r.receivedBy.name, style: 'bold', size: 11, align: 'center' },
        ],
      },
    ]);
  }

  return w.finish((n, of) => ({ left: `${r.company.name} · ${t.receipt.subject(r.caseNumber)}`, right: t.page(n, of) }));
}
