import type { PostalField, PostalLetterStatus } from '@cg/contracts';
import type { PostalLetterSummary } from '../../api/postal';
import { formatDateTime } from '../../form-kit/format';

/** What a clerk reads for each state of a letter (uploaded → OCR → verified). */
export const STATUS_LABELS: Record<PostalLetterStatus, string> = {
  uploaded: 'Waiting for OCR',
  ocr_pending: 'OCR running',
  ocr_done: 'Ready to verify',
  ocr_failed: 'OCR failed',
  confirmed: 'Confirmed',
  rejected: 'Rejected',
};

export const FIELD_LABELS: Record<PostalField, string> = {
  senderName: 'Sender name',
  address: 'Postal address',
  phone: 'Phone',
  email: 'E-mail',
  customerId: 'Customer id',
  domain: 'Domain name',
  letterDate: 'Date of the letter',
};

/** Still being read: the screens poll until the worker is done. */
export const isReading = (status: PostalLetterStatus): boolean => status === 'uploaded' || status === 'ocr_pending';

/** One line naming a letter for the clerk: the file as first uploaded, and when. */
export function letterLabel(l: Pick<PostalLetterSummary, 'fileName' | 'uploadedAt'>): string {
  return `“${l.fileName}” (uploaded ${formatDateTime(l.uploadedAt)})`;
}

export const confidenceText = (c: number | null | undefined): string => (c === null || c === undefined ? '—' : `${Math.round(c)}%`);
