import { Schema, type InferSchemaType } from 'mongoose';
import { POSTAL_LETTER_STATUSES, STAFF_ROLES } from '@cg/contracts';

/**
 * A scanned postal letter, from upload to the clerk's decision. The scan itself is not here: it
 * lives in the content-addressed file store under `sha256` (and each rendered page image under
 * its own `imageSha256`). Statuses: uploaded → ocr_pending → ocr_done | ocr_failed → confirmed |
 * rejected. One writer per phase (FerretDB v1 loses concurrent updates of one document): the
 * gateway writes the upload and the clerk's decision, the OCR job writes its result, each with a
 * condition on the status so a late writer never overwrites a later phase.
 */
const staffRefSchema = new Schema(
  {
    staffId: { type: String, required: true },
    role: { type: String, enum: STAFF_ROLES, required: true },
    name: String,
  },
  { _id: false },
);

const lineSchema = new Schema({ text: { type: String, default: '' }, confidence: { type: Number, required: true } }, { _id: false });

const pageSchema = new Schema(
  {
    page: { type: Number, required: true },
    /** `text-layer`: the PDF carried its text (pdftotext); `ocr`: recognised by tesseract. */
    source: { type: String, enum: ['text-layer', 'ocr'], required: true },
    text: { type: String, default: '' },
    /** Mean word confidence 0–100; null when nothing was read. */
    confidence: { type: Number, default: null },
    lines: { type: [lineSchema], default: [] },
    rotation: { type: Number, default: 0 },
    skewDegrees: { type: Number, default: 0 },
    dpi: { type: Number, default: 0 },
    /** The page as a PNG (about 150 dpi) in the file store, for the clerk's screen. */
    imageSha256: String,
    /** Why this page could not be read (the others were). */
    error: { type: new Schema({ code: String, message: String }, { _id: false }), default: undefined },
    ms: Number,
  },
  { _id: false },
);

const fieldSchema = new Schema(
  { value: { type: String, required: true }, confidence: Number, lowConfidence: Boolean, line: Number },
  { _id: false },
);

const extractedFieldsSchema = new Schema(
  {
    senderName: fieldSchema,
    address: fieldSchema,
    phone: fieldSchema,
    email: fieldSchema,
    customerId: fieldSchema,
    domain: fieldSchema,
    letterDate: fieldSchema,
  },
  { _id: false },
);

const confirmedFieldsSchema = new Schema(
  { senderName: String, address: String, phone: String, email: String, customerId: String, domain: String, letterDate: String },
  { _id: false },
);

export const postalLetterSchema = new Schema(
  {
    /** SHA-256 of the scan: its name in the file store and the intake idempotency key. */
    sha256: { type: String, required: true },
    fileName: { type: String, required: true },
    contentType: { type: String, required: true },
    kind: { type: String, enum: ['pdf', 'jpeg', 'png', 'tiff'], required: true },
    size: { type: Number, required: true },
    pageCount: { type: Number, required: true },
    status: { type: String, enum: POSTAL_LETTER_STATUSES, required: true },
    uploadedBy: { type: staffRefSchema, required: true },
    uploadedAt: { type: Date, required: true },
    /** When the company received the letter: the upload time, or the stamp/postmark the clerk entered on confirming. */
    receivedAt: { type: Date, required: true },
    ocr: {
      type: new Schema(
        {
          pages: { type: [pageSchema], default: [] },
          confidence: { type: Number, default: null },
          languages: String,
          ms: Number,
          finishedAt: Date,
        },
        { _id: false },
      ),
      default: undefined,
    },
    /** Prefilled from the OCR text (extractFields); each flagged when its line's confidence is low. */
    fields: { type: extractedFieldsSchema, default: undefined },
    /** Why OCR produced nothing usable (status ocr_failed); the clerk can still type the letter in. */
    failure: { type: new Schema({ code: String, message: String }, { _id: false }), default: undefined },
    /** The clerk's corrected text and fields, once confirmed. */
    confirmation: {
      type: new Schema(
        {
          text: { type: String, required: true },
          subject: String,
          customerRequest: String,
          fields: { type: confirmedFieldsSchema, default: {} },
          by: { type: staffRefSchema, required: true },
          at: { type: Date, required: true },
        },
        { _id: false },
      ),
      default: undefined,
    },
    caseNumber: String,
    rejection: {
      type: new Schema({ reason: { type: String, required: true }, by: staffRefSchema, at: Date }, { _id: false }),
      default: undefined,
    },
  },
  { timestamps: true, collection: 'postal_letters' },
);

// The idempotency guard: one letter per scan, whoever uploads it and however often.
postalLetterSchema.index({ sha256: 1 }, { unique: true });
// "Letters to verify": by status, oldest upload first (the deadline runs from receipt).
postalLetterSchema.index({ status: 1, uploadedAt: 1 });
// From a case back to its letter.
postalLetterSchema.index({ caseNumber: 1 });

export type PostalLetterDocument = InferSchemaType<typeof postalLetterSchema>;
