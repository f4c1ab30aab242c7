import type { IncomingMessage } from 'node:http';
import { z } from 'zod';
import { parseRequest } from './problem';

/** A client's `Idempotency-Key`: the same key is the same user action, retried (replies, extensions, notes, callback outcomes). */
export const idempotencyKeySchema = z
  .string()
  .regex(/^[A-Za-z0-9._:-]{8,128}$/, '8–128 letters, digits or . _ : -')
  .optional();

/** The header as the API document shows it. */
export const idempotencyKeyHeaders = z.object({ 'idempotency-key': idempotencyKeySchema });

/** The request's `Idempotency-Key`, if any (400 naming `idempotency-key` when malformed). */
export function idempotencyKeyOf(req: IncomingMessage): string | undefined {
  return parseRequest(idempotencyKeyHeaders, { 'idempotency-key': req.headers['idempotency-key'] }, 'body')['idempotency-key'];
}
