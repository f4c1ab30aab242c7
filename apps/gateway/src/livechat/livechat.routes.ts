import { createHash, randomUUID } from 'node:crypto';
import express, { Router, type Request, type RequestHandler } from 'express';
import { z } from 'zod';
import { conversationIdSchema, livechatSessionRequestSchema, type LivechatSessionCreated } from '@cg/contracts';
import { hasPermission, type StaffTokenService, type VisitorPrincipal, type VisitorTokenService } from '@cg/core';
import type { Database } from '@cg/db';
import { toChatMessageView, toConversationSummary, type ConversationLog } from '@cg/livechat';
import type { RateLimiter } from '@cg/queue';
import { HttpProblem, parseRequest } from '../http/problem';
import { apiDoc } from '../http/api-doc';
import { requireStaff } from '../http/staff-auth';
import { detectAttachmentType, safeFileName } from './magic-bytes';

export interface LivechatRouteDeps {
  db: Database;
  log: ConversationLog;
  visitorTokens: VisitorTokenService;
  staffTokens: StaffTokenService;
  limiter: RateLimiter;
  sessionsPerHourPerIp: number;
  uploadMaxBytes: number;
  uploadsPerHourPerVisitor: number;
  /** Uploads one visitor may have in flight at once, and all visitors on this node (default 1 and 16). */
  uploadsInFlightPerVisitor?: number;
  uploadsInFlight?: number;
}

declare module 'express-serve-static-core' {
  interface Request {
    visitor?: VisitorPrincipal;
  }
}

const BEARER = /^Bearer ([A-Za-z0-9._~+/=-]+)$/;

function bearer(req: Request): string | undefined {
  return BEARER.exec(req.get('authorization') ?? '')?.[1];
}

const unauthenticatedVisitor = () =>
  new HttpProblem(
    401,
    'unauthenticated',
    'Chat session required',
    'send the visitor token from POST /api/v1/livechat/sessions: Authorization: Bearer <token>',
    undefined,
    {
      'WWW-Authenticate': 'Bearer realm="livechat"',
    },
  );

const rateLimited = (retryAfterMs: number | undefined, what: string) =>
  new HttpProblem(429, 'rate_limited', `Too many ${what}`, 'wait a little and try again', undefined, {
    'Retry-After': String(Math.max(1, Math.ceil((retryAfterMs ?? 60_000) / 1000))),
  });

const uploadQuerySchema = z.object({ name: z.string().max(500).optional() }).strict();
const idParamsSchema = z.object({ id: z.string().regex(/^[0-9a-f]{24}$/, 'an id of 24 hex digits') });
const conversationParamsSchema = z.object({ conversationId: conversationIdSchema });
const conversationQuerySchema = z
  .object({ caseNumber: z.string().trim().toUpperCase().max(40).optional(), status: z.enum(['open']).optional() })
  .strict();
const messagesQuerySchema = z
  .object({ afterSeq: z.coerce.number().int().min(0).default(0), limit: z.coerce.number().int().min(1).max(500).default(200) })
  .strict();

/**
 * Livechat over HTTP: the pre-chat form that starts a session (and signs the visitor token),
 * attachment upload and download, and the staff's read access to conversations by case.
 */
export function livechatRoutes(deps: LivechatRouteDeps): Router {
  const router = Router();

  const requireVisitor: RequestHandler = (req, _res, next) => {
    const token = bearer(req);
    const visitor = token ? deps.visitorTokens.verify(token) : null;
    if (!visitor) throw unauthenticatedVisitor();
    req.visitor = visitor;
    next();
  };

  router.post(
    '/sessions',
    apiDoc({
      summary: 'Start a chat (pre-chat form): a visitor token',
      tag: 'livechat',
      auth: 'public',
      body: livechatSessionRequestSchema,
      responses: { 201: 'The conversation and its visitor token' },
    }),
    async (req, res) => {
      const verdict = await deps.limiter.hit([{ key: `sessions-ip:${req.ip}`, limit: deps.sessionsPerHourPerIp, windowMs: 3_600_000 }]);
      if (!verdict.allowed) throw rateLimited(verdict.retryAfterMs, 'new chats from this address');
      const form = parseRequest(livechatSessionRequestSchema, req.body, 'body');
      const visitorId = randomUUID();
      const conversation = await deps.db.conversations.create({
        visitorId,
        locale: form.locale,
        customer: {
          name: form.name.normalize('NFC'),
          ...(form.email ? { email: form.email } : {}),
          ...(form.phone ? { phone: form.phone } : {}),
          ...(form.domain ? { domain: form.domain } : {}),
          ...(form.customerId ? { customerId: form.customerId } : {}),
        },
        ...(req.get('user-agent') ? { userAgent: req.get('user-agent')!.slice(0, 300) } : {}),
      });
      const conversationId = String(conversation._id);
      await deps.log.init(conversationId);
      const { token, expiresAt } = deps.visitorTokens.issue({ visitorId, conversationId });
      const body: LivechatSessionCreated = { token, conversationId, expiresAt: expiresAt.toISOString() };
      res.status(201).json(body);
    },
  );

  /**
   * Everything an upload can be refused for that does not need its bytes, checked before the body
   * is read (express.raw comes after): the cap on uploads in flight (per visitor, per node), the
   * query, the visitor's hourly limit, and that the conversation is the visitor's and still open.
   * A refusal closes the connection instead of draining a body nobody will read.
   */
  const inFlight = new Map<string, number>();
  let inFlightTotal = 0;
  const uploadGate: RequestHandler = async (req, res, next) => {
    const visitor = req.visitor!;
    const refuse = (problem: HttpProblem) => {
      res.set('Connection', 'close');
      return next(problem);
    };
    const mine = inFlight.get(visitor.visitorId) ?? 0;
    if (mine >= (deps.uploadsInFlightPerVisitor ?? 1)) return refuse(rateLimited(1000, 'uploads at once: wait for the one in progress'));
    if (inFlightTotal >= (deps.uploadsInFlight ?? 16))
      return refuse(
        new HttpProblem(503, 'uploads_busy', 'Too many uploads right now', 'try again in a few seconds', undefined, { 'Retry-After': '2' }),
      );
    inFlight.set(visitor.visitorId, mine + 1);
    inFlightTotal++;
    let released = false;
    res.once('close', () => {
      if (released) return;
      released = true;
      inFlightTotal--;
      const left = (inFlight.get(visitor.visitorId) ?? 1) - 1;
      if (left > 0) inFlight.set(visitor.visitorId, left);
      else inFlight.delete(visitor.visitorId);
    });
    try {
      parseRequest(uploadQuerySchema, req.query, 'query');
      const verdict = await deps.limiter.hit([
        { key: `uploads-v:${visitor.visitorId}`, limit: deps.uploadsPerHourPerVisitor, windowMs: 3_600_000 },
      ]);
      if (!verdict.allowed) return refuse(rateLimited(verdict.retryAfterMs, 'uploads'));
      const conversation = await deps.db.conversations.findById(visitor.conversationId);
      if (!conversation || conversation.visitorId !== visitor.visitorId) return refuse(unauthenticatedVisitor());
      if (conversation.status !== 'open')
        return refuse(new HttpProblem(409, 'conversation_ended', 'Conversation ended', 'start a new chat to send files'));
      next();
    } catch (err) {
      refuse(err as HttpProblem);
    }
  };

  router.post(
    '/attachments',
    apiDoc({
      summary: 'Upload a chat attachment (visitor)',
      tag: 'livechat',
      auth: 'visitor',
      query: uploadQuerySchema,
      body: { contentType: 'application/octet-stream', description: 'the file (image or PDF, checked by content)' },
      responses: { 201: 'Stored: send its reference with a message' },
    }),
    requireVisitor,
    uploadGate,
    express.raw({ type: () => true, limit: deps.uploadMaxBytes }),
    async (req, res) => {
      const visitor = req.visitor!;
      const query = parseRequest(uploadQuerySchema, req.query, 'query');
      const data: Buffer = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
      if (data.length === 0) {
        throw new HttpProblem(400, 'empty_attachment', 'Empty file', 'send the file as the request body', [
          { field: '(body)', code: 'too_small', message: 'the file is empty' },
        ]);
      }
      const type = detectAttachmentType(data);
      if (!type) {
        throw new HttpProblem(
          415,
          'unsupported_attachment_type',
          'File type not accepted',
          'attach an image (PNG, JPEG, GIF, WebP) or a PDF; the type is checked from the file content',
          [{ field: '(body)', code: 'invalid_type', message: 'not a PNG, JPEG, GIF, WebP or PDF file' }],
        );
      }
      const ref = await deps.db.chatAttachments.create({
        conversationId: visitor.conversationId,
        visitorId: visitor.visitorId,
        fileName: safeFileName(query.name, type.extension),
        contentType: type.contentType,
        size: data.length,
        sha256: createHash('sha256').update(data).digest('hex'),
        data,
      });
      res.status(201).json(ref);
    },
  );

  router.get(
    '/attachments/:id',
    apiDoc({
      summary: 'Download a chat attachment (its visitor, or staff with livechat:answer)',
      tag: 'livechat',
      auth: 'visitor',
      params: idParamsSchema,
      responses: { 200: { description: 'The file', contentType: 'application/octet-stream' } },
    }),
    async (req, res) => {
      const { id } = parseRequest(idParamsSchema, req.params, 'params');
      const token = bearer(req);
      const visitor = token ? deps.visitorTokens.verify(token) : null;
      const staff = !visitor && token ? deps.staffTokens.verify(token) : null;
      if (!visitor && !staff) throw unauthenticatedVisitor();
      // As requireStaff(): the account may have been disabled or changed since the token was issued.
      if (staff && !(await deps.staffTokens.isCurrent(staff))) {
        throw new HttpProblem(
          401,
          'unauthenticated',
          'Sign-in required',
          'this sign-in was revoked (account disabled or changed by an admin): sign in again',
          undefined,
          { 'WWW-Authenticate': 'Bearer realm="staff"' },
        );
      }
      if (staff && !hasPermission(staff.role, 'livechat:answer')) {
        throw new HttpProblem(403, 'forbidden', 'Not allowed for your role', `role ${staff.role} lacks permission livechat:answer`);
      }
      const file = await deps.db.chatAttachments.findById(id);
      // Another conversation's file is answered as missing, so its existence does not leak.
      if (!file || (visitor && file.conversationId !== visitor.conversationId)) {
        throw new HttpProblem(404, 'attachment_not_found', 'Attachment not found', `no attachment ${id}`);
      }
      res
        .status(200)
        .set({
          'Content-Type': file.contentType,
          'Content-Disposition': `attachment; filename*=UTF-8''${encodeURIComponent(file.fileName)}`,
          'Cache-Control': 'private, no-store',
          'Content-Security-Policy': "default-src 'none'; sandbox",
        })
        .send(Buffer.from(file.data));
    },
  );

  // Staff: a case's chat, and the open conversations (the live view uses the socket instead).
  const canAnswer = requireStaff(deps.staffTokens, 'livechat:answer');
  router.get(
    '/conversations',
    apiDoc({ summary: 'Open conversations, or a case’s chat', tag: 'livechat', query: conversationQuerySchema }),
    canAnswer,
    async (req, res) => {
      const query = parseRequest(conversationQuerySchema, req.query, 'query');
      const items = query.caseNumber
        ? [await deps.db.conversations.findByCaseNumber(query.caseNumber)].filter((c) => c !== null)
        : await deps.db.conversations.listOpen(100);
      res.json({ items: items.map(toConversationSummary) });
    },
  );

  router.get(
    '/conversations/:conversationId/messages',
    apiDoc({
      summary: 'Messages of a conversation after a sequence number',
      tag: 'livechat',
      params: conversationParamsSchema,
      query: messagesQuerySchema,
    }),
    canAnswer,
    async (req, res) => {
      const { conversationId } = parseRequest(conversationParamsSchema, req.params, 'params');
      const { afterSeq, limit } = parseRequest(messagesQuerySchema, req.query, 'query');
      const conversation = await deps.db.conversations.findById(conversationId);
      if (!conversation)
        throw new HttpProblem(404, 'conversation_not_found', 'Conversation not found', `no conversation ${conversationId}`);
      const messages = await deps.db.conversations.messagesAfter(conversationId, afterSeq, limit);
      res.json({
        conversation: toConversationSummary(conversation),
        messages: messages.map(toChatMessageView),
        hasMore: messages.length === limit,
      });
    },
  );

  return router;
}
