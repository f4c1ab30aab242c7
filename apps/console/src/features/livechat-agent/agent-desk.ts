import { useEffect, useState } from 'preact/hooks';
import type { Socket } from 'socket.io-client';
import {
  LIVECHAT_EVENTS,
  LIVECHAT_NAMESPACES,
  type ChatMessageView,
  type ConversationSummaryView,
  type LivechatAck,
  type LivechatError,
} from '@cg/contracts';
import { newClientId } from '../../form-kit/format';

const ACK_TIMEOUT_MS = 10_000;
/** The server budgets events per connection: one typing signal per 2 s is plenty. */
const TYPING_EVERY_MS = 2_000;

export type DeskConnection = 'connecting' | 'online' | 'offline';

export interface PendingReply {
  clientMessageId: string;
  text: string;
  state: 'sending' | 'failed';
  error?: string;
}

/**
 * The agent's live desk: one staff socket for the whole signed-in session (so an agent stays
 * "online" for customers while reading cases), the open conversations, the one being answered
 * and its messages. socket.io-client is loaded only when the desk is first opened.
 */
export class AgentDesk {
  connection: DeskConnection = 'connecting';
  conversations = new Map<string, ConversationSummaryView>();
  unread = new Map<string, number>();
  openId: string | null = null;
  messages = new Map<string, ChatMessageView>();
  pending = new Map<string, PendingReply>();
  visitorTyping = false;
  private socket: Socket | null = null;
  private listeners = new Set<() => void>();
  private typingTimer: ReturnType<typeof setTimeout> | undefined;
  private typingSentAt = 0;
  private closed = false;

  constructor(
    private readonly token: string,
    private readonly onUnauthorized: (message: string) => void,
  ) {}

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private changed(): void {
    this.listeners.forEach((l) => l());
  }

  unreadTotal(): number {
    let n = 0;
    this.unread.forEach((c) => (n += c));
    return n;
  }

  /** Open conversations (and the one on screen, even once ended), most recent first. */
  list(): ConversationSummaryView[] {
    return [...this.conversations.values()]
      .filter((c) => c.status === 'open' || c.conversationId === this.openId)
      .sort((a, b) => String(b.lastMessageAt ?? b.createdAt).localeCompare(String(a.lastMessageAt ?? a.createdAt)));
  }

  openConversation(): ConversationSummaryView | undefined {
    return this.openId ? this.conversations.get(this.openId) : undefined;
  }

  sortedMessages(): ChatMessageView[] {
    return [...this.messages.values()].sort((a, b) => a.seq - b.seq);
  }

  async connect(): Promise<void> {
    const { io } = await import('socket.io-client');
    if (this.closed) return;
    const socket = io(LIVECHAT_NAMESPACES.staff, { auth: { token: this.token }, transports: ['websocket', 'polling'] });
    this.socket = socket;
    socket.on('connect', () => {
      this.connection = 'online';
      this.changed();
      socket
        .timeout(ACK_TIMEOUT_MS)
        .emit(
          LIVECHAT_EVENTS.listConversations,
          {},
          (err: Error | null, res: LivechatAck<{ conversations: ConversationSummaryView[] }>) => {
            if (err || !res.ok) return;
            res.conversations.forEach((c) => this.conversations.set(c.conversationId, c));
            this.changed();
            if (this.openId) this.open(this.openId);
          },
        );
    });
    socket.on('disconnect', () => {
      this.connection = 'offline';
      this.changed();
    });
    socket.on('connect_error', (err: Error & { data?: Partial<LivechatError> }) => {
      this.connection = 'offline';
      this.changed();
      const code = err.data?.code;
      if (code === 'unauthenticated' || code === 'forbidden') {
        socket.disconnect();
        this.onUnauthorized(err.message);
      }
    });
    socket.on(LIVECHAT_EVENTS.conversationUpdated, (c: ConversationSummaryView) => {
      this.conversations.set(c.conversationId, c);
      this.changed();
    });
    socket.on(LIVECHAT_EVENTS.message, (m: ChatMessageView) => {
      if (m.conversationId === this.openId) {
        this.messages.set(m.id, m);
        this.pending.delete(m.id);
        if (m.sender.kind === 'visitor') this.visitorTyping = false;
      } else if (m.sender.kind === 'visitor') {
        this.unread.set(m.conversationId, (this.unread.get(m.conversationId) ?? 0) + 1);
      }
      this.changed();
    });
    socket.on(LIVECHAT_EVENTS.typing, (p: { conversationId?: string; isTyping?: boolean }) => {
      if (p.conversationId !== this.openId) return;
      this.visitorTyping = Boolean(p.isTyping);
      clearTimeout(this.typingTimer);
      if (this.visitorTyping)
        this.typingTimer = setTimeout(() => {
          this.visitorTyping = false;
          this.changed();
        }, 6000);
      this.changed();
    });
  }

  open(conversationId: string): void {
    if (this.openId !== conversationId) {
      this.messages.clear();
      this.pending.clear();
      this.visitorTyping = false;
    }
    this.openId = conversationId;
    this.unread.delete(conversationId);
    this.changed();
    this.socket
      ?.timeout(ACK_TIMEOUT_MS)
      .emit(
        LIVECHAT_EVENTS.openConversation,
        { conversationId },
        (err: Error | null, res: LivechatAck<{ conversation: ConversationSummaryView; messages: ChatMessageView[] }>) => {
          if (err || !res.ok || this.openId !== conversationId) return;
          this.conversations.set(conversationId, res.conversation);
          res.messages.forEach((m) => this.messages.set(m.id, m));
          this.changed();
        },
      );
  }

  send(text: string): void {
    const conversationId = this.openId;
    if (!conversationId || !this.socket) return;
    const clientMessageId = newClientId();
    const reply: PendingReply = { clientMessageId, text, state: 'sending' };
    this.pending.set(clientMessageId, reply);
    this.changed();
    this.socket
      .timeout(ACK_TIMEOUT_MS)
      .emit(
        LIVECHAT_EVENTS.send,
        { conversationId, clientMessageId, text },
        (err: Error | null, res: LivechatAck<{ message: ChatMessageView }>) => {
          if (!this.pending.has(clientMessageId)) return;
          if (!err && res.ok) {
            this.pending.delete(clientMessageId);
            if (conversationId === this.openId) this.messages.set(res.message.id, res.message);
          } else {
            reply.state = 'failed';
            reply.error = err ? 'no answer from the server' : !res.ok ? res.error.message : '';
          }
          this.changed();
        },
      );
  }

  typing(): void {
    if (!this.socket || !this.openId || Date.now() - this.typingSentAt < TYPING_EVERY_MS) return;
    this.typingSentAt = Date.now();
    this.socket.emit(LIVECHAT_EVENTS.typing, { conversationId: this.openId, isTyping: true });
  }

  end(): void {
    if (!this.openId) return;
    this.socket?.timeout(ACK_TIMEOUT_MS).emit(LIVECHAT_EVENTS.end, { conversationId: this.openId }, () => undefined);
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.typingTimer);
    this.socket?.disconnect();
    this.socket = null;
    this.listeners.clear();
  }
}

let desk: AgentDesk | null = null;
const deskWatchers = new Set<() => void>();

/** The signed-in agent's desk, connected on first use. */
export function agentDesk(token: string, onUnauthorized: (message: string) => void): AgentDesk {
  if (!desk) {
    desk = new AgentDesk(token, onUnauthorized);
    void desk.connect();
    deskWatchers.forEach((w) => w());
  }
  return desk;
}

/** Sign-out: the socket closes, so customers no longer see this agent online. */
export function disconnectAgentDesk(): void {
  desk?.close();
  desk = null;
  deskWatchers.forEach((w) => w());
}

/** A value read from the desk (re-read on every change); `fallback` until the desk exists. */
export function useAgentDesk<T>(select: (d: AgentDesk) => T, fallback: T): T {
  const [, setTick] = useState(0);
  useEffect(() => {
    let unsubscribe = desk?.subscribe(() => setTick((n) => n + 1));
    const onDesk = () => {
      unsubscribe?.();
      unsubscribe = desk?.subscribe(() => setTick((n) => n + 1));
      setTick((n) => n + 1);
    };
    deskWatchers.add(onDesk);
    return () => {
      deskWatchers.delete(onDesk);
      unsubscribe?.();
    };
  }, []);
  return desk ? select(desk) : fallback;
}
