import { Schema, type InferSchemaType } from 'mongoose';

/**
 * A file a member of staff attached to an internal note, content included, stored like the email
 * attachments (a document below 16 MB: the upload route caps files at NOTE_ATTACHMENT_MAX_BYTES;
 * no GridFS on FerretDB). Staff only: never listed among the customer's attachments.
 */
export const noteAttachmentSchema = new Schema(
  {
    /** `note-att:<random>`: the id the journal entry references. */
    _id: { type: String, required: true },
    /** The case the note was written on (a merge copies the note, not the file: the journal says where it is referenced). */
    caseNumber: { type: String, required: true },
    fileName: { type: String, required: true },
    contentType: { type: String, required: true },
    size: { type: Number, required: true },
    sha256: { type: String, required: true },
    uploadedBy: { type: String, required: true },
    data: { type: Buffer, required: true },
  },
  { timestamps: true, collection: 'note_attachments' },
);

export type NoteAttachmentDocument = InferSchemaType<typeof noteAttachmentSchema>;
