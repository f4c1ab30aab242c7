import type { Response } from 'express';

/** A stored file sent to staff: always a download, never rendered by the browser (customer content). */
export function sendAttachmentDownload(
  res: Response,
  file: { fileName: string; contentType: string; sha256: string; data: Buffer | Uint8Array },
): void {
  res
    .status(200)
    .set({
      'Content-Type': 'application/octet-stream',
      // An ASCII fallback name for old clients, the real one in RFC 5987 form.
      'Content-Disposition': `attachment; filename="${file.fileName.replace(/[^\x20-\x7e]|["\\]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'X-Attachment-Content-Type': file.contentType,
      'X-Attachment-SHA256': file.sha256,
    })
    .send(file.data);
}
