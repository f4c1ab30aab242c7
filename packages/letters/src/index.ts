export { renderAnswerLetter } from './answer-letter';
export { renderReceiptLetter } from './receipt-letter';
export { postalReceiptInput, postalReceiptFileName, type PostalReceiptSource } from './postal-receipt';
export { renderJournalReport, type JournalReportInput } from './journal-report';
export { signPdf, readSigningCertificate, LetterSigningError, type SignOptions } from './sign';
export {
  LetterInputError,
  LANGUAGES,
  type LetterLanguage,
  type AnswerLetterInput,
  type ReceiptLetterInput,
  answerLetterInputSchema,
  receiptLetterInputSchema,
} from './input';
export { LETTER_TEXTS, type LetterTexts } from './texts';
export {
  answerTemplate,
  parseAnswerDraft,
  guessLetterLanguage,
  hasUnfilledSections,
  type AnswerTemplateInput,
  type AnswerDraftSections,
} from './answer-template';
export { loadOrCreateDevelopmentCertificate, DEVELOPMENT_CERTIFICATE_NAME } from './dev-certificate';
