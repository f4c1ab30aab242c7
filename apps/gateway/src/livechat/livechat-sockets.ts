import type { DefaultEventsMap, Namespace, Server, Socket } from 'socket.io';
import type { Logger } from 'pino';
import {
  LIVECHAT_EVENTS,
  LIVECHAT_NAMESPACES,
  conversationRefSchema,
  livechatRooms,
  staffSendSchema,
  staffTypingSchema,
  syncRequestSchema,
  visitorSendSchema,
  visitorTypingSchema,
} from '@cg/contracts';
import { hasPermission, type StaffPrincipal, type StaffTokenService, type VisitorPrincipal, type VisitorTokenService } from '@cg/core';
import type { ConversationRecord, ConversationRepository } from '@cg/db';
import { toChatMessageView, toConversationSummary, toStateView, type ConversationLog, type ConversationSummaryView } from '@cg/livechat';
import type { RateLimiter } from '@cg/queue';
import { z } from 'zod';
import { refuse, type LivechatService } from './livechat-service';
import type { AgentPresence } from './presence';
import { ConnectionCounter, TokenBucket } from './rate-limits';
import type { TrustProxy } from '../http/trust-proxy';
import { ackOf, clientAddress, connectError, guardedHandler, sharedGuardedHandler, type GuardedSocketData } from './socket-guards';

export interface LivechatSocketDeps {
  logger: Logger;
  conversations: ConversationRepository;
  log: ConversationLog;
  service: LivechatService;
  presence: AgentPresence;
  limiter: RateLimiter;
  visitorTokens: VisitorTokenService;
  staffTokens: StaffTokenService;
  /** TRUST_PROXY compiled as express compiles it (http/trust-proxy.ts). */
  trustProxy: TrustProxy;
  maxMessageChars: number;
  messagesPerMinutePerVisitor: number;
  messagesPerMinutePerIp: number;
  maxConnectionsPerIp: number;
}

/** Messages sent per sync page; a client asks again with the last seq it got while `hasMore`. */
export const SYNC_PAGE = 200;
/** Requests one connection may have running at once. */
const MAX_IN_FLIGHT = 8;
/** Events per connection: a burst of 30, then 5 a second. */
const EVENT_BURST = 30;
const EVENTS_PER_SECOND = 5;

const noPayload = z.object({}).strict();

/** What the visitor namespace's handshake middleware stores on a connection before `connection` fires. */
interface VisitorSocketData extends GuardedSocketData {
  visitor: VisitorPrincipal;
  ip: string;
  conversation: ConversationRecord;
  /** What agents see of this conversation; kept current by this connection's messages. */
  summary: ConversationSummaryView;
  /** The visitor's typing state as last forwarded to the agents, and when. */
  typing?: boolean;
  typingForwardedAt?: number;
}
type VisitorSocket = Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, VisitorSocketData>;

/** What the staff namespace's handshake middleware stores on a connection before `connection` fires. */
interface StaffSocketData extends GuardedSocketData {
  staff: StaffPrincipal;
  token: string;
}

/**
 * Every event an agent's socket sends re-checks its token: not expired, and the account still
 * enabled with the token's version (an admin disabled it, changed its role or department, reset
 * its password). Otherwise the event is refused and the socket disconnected.
 */
function recheckStaffToken(
  socket: Socket<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, StaffSocketData>,
  tokens: StaffTokenService,
): void {
  socket.use((packet, next) => {
    const principal = tokens.verify(socket.data.token);
    void (principal ? tokens.isCurrent(principal) : Promise.resolve(false)).then(
      (current) => {
        if (current && principal && hasPermission(principal.role, 'livechat:answer')) return next();
        const error = { code: 'unauthenticated' as const, message: 'your sign-in expired or was revoked; sign in again', retryable: false };
        const ack = ackOf(packet);
        if (ack) ack({ ok: false, error });
        else socket.emit(LIVECHAT_EVENTS.error, { event: String(packet[0]), ...error });
        socket.disconnect();
      },
      () => {
        const ack = ackOf(packet);
        const error = {
          code: 'storage_unavailable' as const,
          message: 'could not check your sign-in; try again',
          retryable: true,
          retryAfterMs: 2000,
        };
        if (ack) ack({ ok: false, error });
      },
    );
  });
}

/** Per-connection event budget: over it, the event is dropped with a `livechat:error`. */
function limitEvents(socket: Socket): void {
  const bucket = new TokenBucket(EVENT_BURST, EVENTS_PER_SECOND);
  socket.use((packet, next) => {
    if (bucket.take()) return next();
    const ack = ackOf(packet);
    const error = {
      code: 'rate_limited' as const,
      message: 'too many events on this connection; slow down',
      retryable: true,
      retryAfterMs: 1000,
    };
    if (ack) ack({ ok: false, error });
    else socket.emit(LIVECHAT_EVENTS.error, { event: String(packet[0]), ...error });
  });
}

export function setUpVisitorNamespace(io: Server, deps: LivechatSocketDeps): Namespace {
  const nsp = io.of(LIVECHAT_NAMESPACES.visitor) as Namespace<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, VisitorSocketData>;
  const connections = new ConnectionCounter(deps.maxConnectionsPerIp);

  nsp.use((socket, next) => {
    const principal = deps.visitorTokens.verify(socket.handshake.auth?.token);
    // Not kept for the connection's life once checked (a reconnect brings it again).
    if (socket.handshake.auth) delete socket.handshake.auth.token;
    if (!principal) return next(connectError('unauthenticated', 'the chat session is missing or expired; fill in the form again'));
    const ip = clientAddress(socket, deps.trustProxy);
    if (!connections.tryAcquire(ip)) return next(connectError('too_many_connections', 'too many chat connections from this address', true));
    let released = false;
    const release = () => {
      if (!released) connections.release(ip);
      released = true;
    };
    socket.once('disconnect', release);
    deps.conversations
      .findById(principal.conversationId)
      .then((conversation) => {
        if (!conversation || conversation.visitorId !== principal.visitorId) {
          release();
          return next(connectError('conversation_not_found', 'this conversation no longer exists; start a new chat'));
        }
        socket.data.visitor = principal;
        socket.data.ip = ip;
        socket.data.conversation = conversation;
        socket.data.summary = toConversationSummary(conversation);
        next();
      })
      .catch((err: Error) => {
        release();
        deps.logger.warn({ err: err.message }, 'livechat: could not load the conversation');
        next(connectError('storage_unavailable', 'the chat is temporarily unavailable; retrying', true));
      });
  });

  // The visitor's handlers, made once for every socket (socket.io calls them with the socket as
  // `this`): what is the connection's own is in socket.data (issue 12, memory per connection).
  const onSend = sharedGuardedHandler(
    deps.logger,
    { event: LIVECHAT_EVENTS.send, schema: visitorSendSchema, maxInFlight: MAX_IN_FLIGHT, errorEvent: LIVECHAT_EVENTS.error },
    async (socket: VisitorSocket, p) => {
      const { visitorId, conversationId } = socket.data.visitor;
      if (p.text.length > deps.maxMessageChars) {
        throw refuse('invalid_payload', `a message may have at most ${deps.maxMessageChars} characters`, { field: 'text' });
      }
      const verdict = await deps.limiter.hit([
        { key: `msg-v:${visitorId}`, limit: deps.messagesPerMinutePerVisitor, windowMs: 60_000 },
        { key: `msg-ip:${socket.data.ip}`, limit: deps.messagesPerMinutePerIp, windowMs: 60_000 },
      ]);
      if (!verdict.allowed) {
        throw refuse('rate_limited', 'too many messages; wait a moment and send again', {
          retryable: true,
          retryAfterMs: verdict.retryAfterMs ?? 5000,
        });
      }
      const sent = await deps.service.acceptVisitorMessage(conversationId, p, socket.data.summary, socket.data.conversation);
      socket.data.typing = false;
      return { message: sent.message, duplicate: sent.duplicate, ...(sent.receipt ? { receipt: sent.receipt } : {}) };
    },
  );

  const onSync = sharedGuardedHandler(
    deps.logger,
    { event: LIVECHAT_EVENTS.requestSync, schema: syncRequestSchema, maxInFlight: MAX_IN_FLIGHT, errorEvent: LIVECHAT_EVENTS.error },
    async (socket: VisitorSocket, p) => {
      const { messages, hasMore } = await deps.log.messagesAfter(socket.data.visitor.conversationId, p.afterSeq, SYNC_PAGE);
      return { messages: messages.map(toChatMessageView), hasMore };
    },
  );

  function onTyping(this: VisitorSocket, payload: unknown): void {
    const parsed = visitorTypingSchema.safeParse(payload);
    if (!parsed.success) return;
    const now = Date.now();
    const data = this.data;
    // Forward changes, and repeats of "still typing" at most every 2 s.
    if (parsed.data.isTyping === (data.typing ?? false) && now - (data.typingForwardedAt ?? 0) < 2000) return;
    data.typing = parsed.data.isTyping;
    data.typingForwardedAt = now;
    io.of(LIVECHAT_NAMESPACES.staff)
      .to(livechatRooms.agents)
      .volatile.emit(LIVECHAT_EVENTS.typing, { conversationId: data.visitor.conversationId, from: 'visitor', isTyping: data.typing });
  }

  const onTranscript = sharedGuardedHandler(
    deps.logger,
    { event: LIVECHAT_EVENTS.requestTranscript, schema: noPayload, maxInFlight: MAX_IN_FLIGHT, errorEvent: LIVECHAT_EVENTS.error },
    async (socket: VisitorSocket) => {
      const conversation = await deps.conversations.findById(socket.data.visitor.conversationId);
      if (!conversation) throw refuse('conversation_not_found', 'conversation not found');
      return deps.service.requestTranscript(conversation, 'requested');
    },
  );

  const onEnd = sharedGuardedHandler(
    deps.logger,
    { event: LIVECHAT_EVENTS.end, schema: noPayload, maxInFlight: MAX_IN_FLIGHT, errorEvent: LIVECHAT_EVENTS.error },
    async (socket: VisitorSocket) => {
      await deps.service.endConversation(socket.data.visitor.conversationId, 'visitor');
      return {};
    },
  );

  function onDisconnect(this: VisitorSocket): void {
    const { conversationId } = this.data.visitor;
    if (this.data.typing)
      io.of(LIVECHAT_NAMESPACES.staff)
        .to(livechatRooms.agents)
        .volatile.emit(LIVECHAT_EVENTS.typing, { conversationId, from: 'visitor', isTyping: false });
    deps.logger.debug({ conversationId, ip: this.data.ip }, 'livechat visitor disconnected');
  }

  nsp.on('connection', (socket) => {
    void socket.join(livechatRooms.conversation(socket.data.visitor.conversationId));
    limitEvents(socket);
    const afterSeqFromAuth = Number(socket.handshake.auth?.lastSeq);
    void sendStateAndMissed(socket, Number.isSafeInteger(afterSeqFromAuth) && afterSeqFromAuth >= 0 ? afterSeqFromAuth : 0);
    socket.on(LIVECHAT_EVENTS.send, onSend);
    socket.on(LIVECHAT_EVENTS.requestSync, onSync);
    socket.on(LIVECHAT_EVENTS.typing, onTyping);
    socket.on(LIVECHAT_EVENTS.requestTranscript, onTranscript);
    socket.on(LIVECHAT_EVENTS.end, onEnd);
    socket.on('disconnect', onDisconnect);
  });

  /** On every (re)connect: the conversation's state, then what the visitor has not seen yet. */
  async function sendStateAndMissed(socket: VisitorSocket, afterSeq: number): Promise<void> {
    const { conversationId } = socket.data.visitor;
    try {
      const conversation = socket.data.conversation;
      const [agentsOnline, redisState] = await Promise.all([deps.presence.anyOnline(), deps.log.redisState(conversationId)]);
      const lastSeq = redisState.lastSeq;
      // The case may be known to Redis only (its receipt message not yet persisted by a worker).
      const state = toStateView({ ...conversation, lastSeq: Math.max(lastSeq ?? 0, conversation.lastSeq) }, agentsOnline);
      if (!state.receipt && redisState.receipt) state.receipt = redisState.receipt;
      socket.emit(LIVECHAT_EVENTS.state, state);
      // Nothing new since the client's last seq: no query (a reconnect storm costs MongoDB nothing).
      // Otherwise MongoDB's messages merged with the ones durable in Redis only.
      const { messages, hasMore } =
        lastSeq !== undefined && afterSeq >= lastSeq
          ? { messages: [], hasMore: false }
          : await deps.log.messagesAfter(conversationId, afterSeq, SYNC_PAGE);
      socket.emit(LIVECHAT_EVENTS.sync, { messages: messages.map(toChatMessageView), hasMore });
      // Recover what an earlier failure left half done: a complaint without a case, a receipt without its deadline.
      if (!conversation.caseNumber && !redisState.receipt && (conversation.lastSenderKind || (lastSeq ?? 0) > 0)) {
        void deps.service.ensureCase(conversationId).catch(() => undefined);
      } else if (conversation.caseNumber && !conversation.receipt?.dueDate) {
        void deps.service.fillDeadline(conversationId, conversation.caseNumber).catch(() => undefined);
      }
    } catch (err) {
      deps.logger.warn({ conversationId, err: (err as Error).message }, 'livechat: could not send the conversation state');
      socket.emit(LIVECHAT_EVENTS.error, {
        code: 'storage_unavailable',
        message: 'could not load the conversation; reconnecting',
        retryable: true,
      });
      socket.disconnect(true);
    }
  }

  return nsp;
}

export function setUpStaffNamespace(io: Server, deps: LivechatSocketDeps): Namespace {
  const nsp = io.of(LIVECHAT_NAMESPACES.staff) as Namespace<DefaultEventsMap, DefaultEventsMap, DefaultEventsMap, StaffSocketData>;

  nsp.use(async (socket, next) => {
    const token = String(socket.handshake.auth?.token ?? '');
    const principal = await deps.staffTokens.verifyCurrent(token).catch(() => null);
    if (!principal) return next(connectError('unauthenticated', 'sign in first (POST /api/v1/auth/login) and connect with auth.token'));
    if (!hasPermission(principal.role, 'livechat:answer')) {
      return next(connectError('forbidden', `role ${principal.role} lacks permission livechat:answer`));
    }
    socket.data.staff = principal;
    socket.data.token = token;
    next();
  });

  nsp.on('connection', (socket) => {
    const staff = socket.data.staff;
    void socket.join(livechatRooms.agents);
    void deps.presence.add(socket.id);
    limitEvents(socket);
    recheckStaffToken(socket, deps.staffTokens);
    const opts = (event: string) => ({ event, maxInFlight: MAX_IN_FLIGHT, errorEvent: LIVECHAT_EVENTS.error });

    socket.on(
      LIVECHAT_EVENTS.listConversations,
      guardedHandler(socket, deps.logger, { ...opts(LIVECHAT_EVENTS.listConversations), schema: noPayload }, async () => {
        const items = await deps.conversations.listOpen(100);
        return { conversations: items.map(toConversationSummary) };
      }),
    );

    socket.on(
      LIVECHAT_EVENTS.openConversation,
      guardedHandler(socket, deps.logger, { ...opts(LIVECHAT_EVENTS.openConversation), schema: conversationRefSchema }, async (p) => {
        const conversation = await deps.conversations.findById(p.conversationId);
        if (!conversation) throw refuse('conversation_not_found', 'conversation not found', { field: 'conversationId' });
        const { lastSeq } = await deps.log.redisState(p.conversationId);
        const { messages } = await deps.log.messagesAfter(
          p.conversationId,
          Math.max(0, Math.max(lastSeq ?? 0, conversation.lastSeq) - 500),
          500,
        );
        return { conversation: toConversationSummary(conversation), messages: messages.map(toChatMessageView) };
      }),
    );

    socket.on(
      LIVECHAT_EVENTS.send,
      guardedHandler(socket, deps.logger, { ...opts(LIVECHAT_EVENTS.send), schema: staffSendSchema }, async (p) => {
        if (p.text.length > deps.maxMessageChars)
          throw refuse('invalid_payload', `at most ${deps.maxMessageChars} characters`, { field: 'text' });
        const sent = await deps.service.acceptAgentMessage({ staffId: staff.staffId, name: staff.name, role: staff.role }, p);
        return { message: sent.message, duplicate: sent.duplicate };
      }),
    );

    socket.on(LIVECHAT_EVENTS.typing, (payload: unknown) => {
      const parsed = staffTypingSchema.safeParse(payload);
      if (!parsed.success) return;
      io.of(LIVECHAT_NAMESPACES.visitor)
        .to(livechatRooms.conversation(parsed.data.conversationId))
        .volatile.emit(LIVECHAT_EVENTS.typing, { from: 'agent', name: staff.name, isTyping: parsed.data.isTyping });
    });

    socket.on(
      LIVECHAT_EVENTS.end,
      guardedHandler(socket, deps.logger, { ...opts(LIVECHAT_EVENTS.end), schema: conversationRefSchema }, async (p) => {
        await deps.service.endConversation(p.conversationId, 'agent', staff.name);
        return {};
      }),
    );

    socket.on('disconnect', () => void deps.presence.remove(socket.id));
  });

  return nsp;
}
