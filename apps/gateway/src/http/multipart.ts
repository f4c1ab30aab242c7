import busboy from 'busboy';
import type { Request } from 'express';
import { HttpProblem, type FieldProblem } from './problem';

export interface UploadedFile {
  /** `<form field>[<n>]`: how problems name this file (n counts the files of that field from 0). */
  field: string;
  fileName: string;
  bytes: Buffer;
}

export interface MultipartLimits {
  maxFiles: number;
  maxFileBytes: number;
  /** Plain form fields accepted beside the files (their values are ignored unless asked for). */
  maxFields?: number;
  /** The longest field value in bytes (default 4096); a longer one is refused with 413 naming it. */
  maxFieldBytes?: number;
}

/**
 * Reads a multipart/form-data body with busboy, streaming, never more than the limits: at most
 * `maxFiles` files of at most `maxFileBytes` each (a larger file stops being buffered at the
 * limit and the request is refused with 413 naming it), a few small fields. Resolves the files
 * once the whole body was read; rejects with an HttpProblem naming the field.
 */
export function readMultipartFiles(
  req: Request,
  limits: MultipartLimits,
): Promise<{ files: UploadedFile[]; fields: Record<string, string> }> {
  // A cap on bodies being read at once on this node: each may hold up to maxFiles × maxFileBytes
  // in memory. Beyond it the request is refused before its body is read (the connection closed).
  if (multipartInFlight >= MULTIPART_IN_FLIGHT) {
    return Promise.reject(
      new HttpProblem(
        503,
        'uploads_busy',
        'Too many uploads right now',
        `this server reads at most ${MULTIPART_IN_FLIGHT} uploads at once; try again in a few seconds`,
        undefined,
        { 'Retry-After': '2', Connection: 'close' },
      ),
    );
  }
  multipartInFlight++;
  let released = false;
  const release = () => {
    if (released) return;
    released = true;
    multipartInFlight--;
  };
  req.once('close', release); // also an upload abandoned half-way
  return readMultipartBody(req, limits).finally(release);
}

/** Multipart bodies (postal scans, note files) read at once per gateway node. */
export const MULTIPART_IN_FLIGHT = 8;
let multipartInFlight = 0;

function readMultipartBody(req: Request, limits: MultipartLimits): Promise<{ files: UploadedFile[]; fields: Record<string, string> }> {
  const type = req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(type)) {
    return Promise.reject(
      new HttpProblem(415, 'unsupported_media_type', 'Send the scans as multipart/form-data', `got content-type ${type || '(none)'}`, [
        { field: '(body)', code: 'unsupported_media_type', message: 'use multipart/form-data with one or more files in the field "files"' },
      ]),
    );
  }
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({
        headers: req.headers,
        limits: {
          files: limits.maxFiles,
          fileSize: limits.maxFileBytes,
          fields: limits.maxFields ?? 10,
          fieldSize: limits.maxFieldBytes ?? 4096,
          parts: limits.maxFiles + (limits.maxFields ?? 10),
        },
        defParamCharset: 'utf8',
      });
    } catch (err) {
      reject(
        new HttpProblem(400, 'malformed_multipart', 'Malformed multipart body', (err as Error).message, [
          { field: '(body)', code: 'malformed_multipart', message: (err as Error).message },
        ]),
      );
      return;
    }
    const files: UploadedFile[] = [];
    const fields: Record<string, string> = {};
    const problems: FieldProblem[] = [];
    const perField = new Map<string, number>();
    let tooManyFiles = false;
    let settled = false;
    const fail = (p: HttpProblem) => {
      if (settled) return;
      settled = true;
      req.unpipe(bb);
      req.resume(); // drain what is left so the client reads the answer
      reject(p);
    };

    bb.on('file', (name, stream, info) => {
      const n = perField.get(name) ?? 0;
      perField.set(name, n + 1);
      const field = `${name}[${n}]`;
      const chunks: Buffer[] = [];
      let size = 0;
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= limits.maxFileBytes) chunks.push(chunk);
      });
      stream.on('limit', () => {
        problems.push({ field, code: 'too_large', message: `${info.filename || 'the file'} is larger than ${limits.maxFileBytes} bytes` });
        chunks.length = 0;
      });
      // A body that ends inside a file destroys its stream with an error ('Unexpected end of form'):
      // busboy reports it on `bb` too (a 400 below), but an 'error' without a listener would crash the process.
      stream.on('error', () => chunks.splice(0));
      stream.on('close', () => {
        if (!stream.truncated)
          files.push({ field, fileName: (info.filename || 'scan').normalize('NFC').slice(0, 255), bytes: Buffer.concat(chunks) });
      });
    });
    bb.on('field', (name, value, info) => {
      if (info.valueTruncated)
        problems.push({ field: name, code: 'too_large', message: `${name} is longer than ${limits.maxFieldBytes ?? 4096} bytes` });
      fields[name] = value;
    });
    bb.on('filesLimit', () => {
      tooManyFiles = true;
    });
    bb.on('partsLimit', () => {
      tooManyFiles = true;
    });
    bb.on('error', (err) => {
      fail(
        new HttpProblem(400, 'malformed_multipart', 'Malformed multipart body', (err as Error).message, [
          { field: '(body)', code: 'malformed_multipart', message: (err as Error).message },
        ]),
      );
    });
    bb.on('close', () => {
      if (settled) return;
      if (tooManyFiles) {
        return fail(
          new HttpProblem(413, 'too_many_files', 'Too many files in one upload', `send at most ${limits.maxFiles} files per request`, [
            { field: 'files', code: 'too_many_files', message: `at most ${limits.maxFiles} files per upload` },
          ]),
        );
      }
      if (problems.length) {
        return fail(new HttpProblem(413, 'file_too_large', 'Scan too large', problems.map((p) => p.message).join('; '), problems));
      }
      settled = true;
      // Files in the order they were sent.
      resolve({ files, fields });
    });
    req.pipe(bb);
  });
}
