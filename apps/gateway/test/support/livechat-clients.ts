import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { ChatMessageView, ConversationStateView, LivechatAck, LivechatError, LivechatReceipt } from '@cg/contracts';
import { waitFor } from '@cg/testing';

type SendAck = LivechatAck<{ message: ChatMessageView; duplicate: boolean; receipt?: LivechatReceipt }>;

export interface UnsentMessage {
  clientMessageId: string;
  text: string;
  attachmentIds: string[];
  ack?: SendAck;
  sends: number;
}

/**
 * A livechat visitor in Node, following the widget's protocol: a signed token from the
 * pre-chat form, `lastSeq` in the handshake, a queue of unsent (unacknowledged) messages that is sent
 * again (same client ids) on every connect, and messages merged by id.
 */
export class TestVisitor {
  socket?: Socket;
  readonly messages = new Map<string, ChatMessageView>();
  /** Every `message` event, duplicates included (to check what the server delivered). */
  readonly messageEvents: ChatMessageView[] = [];
  readonly events: Array<{ event: string; payload: unknown }> = [];
  readonly unsent = new Map<string, UnsentMessage>();
  state?: ConversationStateView;
  receipt?: LivechatReceipt;
  lastSeq = 0;
  connects = 0;
  lastConnectError?: LivechatError & { message: string };

  constructor(
    public url: string,
    readonly token: string,
    readonly conversationId: string,
  ) {}

  static async start(url: string, form: Record<string, unknown> = {}): Promise<TestVisitor> {
    const res = await fetch(`${url}/api/v1/livechat/sessions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'Nguyễn Thị Lan', email: 'lan@example.vn', phone: '0912 000 111', ...form }),
    });
    const body = (await res.json()) as { token: string; conversationId: string };
    if (res.status !== 201) throw new Error(`session refused: ${res.status} ${JSON.stringify(body)}`);
    return new TestVisitor(url, body.token, body.conversationId);
  }

  connect(url = this.url, auth: Record<string, unknown> = {}): this {
    this.url = url;
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
    const socket = io(`${url}/livechat`, {
      auth: (cb) => cb({ token: this.token, lastSeq: this.lastSeq, ...auth }),
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
      timeout: 5000,
    });
    this.socket = socket;
    socket.on('connect', () => {
      this.connects += 1;
      this.sending = undefined;
      this.pump();
    });
    // As the chat page does: a server that drops the connection (it could not load the conversation) is tried again.
    socket.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') setTimeout(() => this.socket === socket && socket.connect(), 300).unref();
    });
    socket.on('connect_error', (err: Error & { data?: LivechatError }) => {
      this.lastConnectError = { ...(err.data ?? { code: 'internal_error', retryable: true }), message: err.message };
    });
    socket.on('conversation:state', (s: ConversationStateView) => {
      this.state = s;
      if (s.receipt) this.receipt = s.receipt;
      this.record('conversation:state', s);
    });
    socket.on('messages:sync', (page: { messages: ChatMessageView[] }) => {
      this.record('messages:sync', page);
      this.merge(page.messages);
    });
    socket.on('message', (m: ChatMessageView) => {
      this.messageEvents.push(m);
      this.merge([m]);
    });
    for (const event of ['receipt', 'typing', 'presence', 'livechat:error']) {
      socket.on(event, (payload: unknown) => {
        this.record(event, payload);
        if (event === 'receipt') this.receipt = payload as LivechatReceipt;
        if (event === 'presence' && this.state) this.state.agentsOnline = (payload as { agentsOnline: boolean }).agentsOnline;
      });
    }
    return this;
  }

  private record(event: string, payload: unknown): void {
    this.events.push({ event, payload });
    if (this.events.length > 1000) this.events.shift();
  }

  private merge(list: ChatMessageView[]): void {
    for (const m of list) {
      this.messages.set(m.id, m);
      if (m.seq > this.lastSeq) this.lastSeq = m.seq;
    }
  }

  async connected(): Promise<this> {
    await waitFor('visitor socket to connect', () => this.socket?.connected);
    await waitFor('conversation state', () => this.state);
    return this;
  }

  /** One raw `message:send` with its acknowledgement (no unsent queue). */
  async emitSend(payload: unknown, timeoutMs = 8000): Promise<SendAck> {
    return (await this.socket!.timeout(timeoutMs).emitWithAck('message:send', payload)) as SendAck;
  }

  async request<T = Record<string, unknown>>(event: string, payload: unknown = {}): Promise<LivechatAck<T>> {
    return (await this.socket!.timeout(8000).emitWithAck(event, payload)) as LivechatAck<T>;
  }

  /**
   * Sends through the unsent queue, as the widget does: kept until acknowledged, sent again on each
   * connect. Resolves with the successful acknowledgement.
   */
  async send(text: string, opts: { clientMessageId?: string; attachmentIds?: string[] } = {}): Promise<SendAck & { ok: true }> {
    const item: UnsentMessage = {
      clientMessageId: opts.clientMessageId ?? randomUUID(),
      text,
      attachmentIds: opts.attachmentIds ?? [],
      sends: 0,
    };
    this.unsent.set(item.clientMessageId, item);
    this.pump();
    const ack = await waitFor(`ack of ${item.clientMessageId}`, () => (item.ack?.ok ? item.ack : undefined), { timeoutMs: 20_000 });
    return ack;
  }

  /** One message in flight at a time, in the order typed, so the conversation keeps that order. */
  private pump(): void {
    if (this.sending || !this.socket?.connected) return; // sent on the next connect
    const next = [...this.unsent.values()].find((i) => !i.ack);
    if (!next) return;
    this.sending = next;
    void this.push(next).finally(() => {
      if (this.sending === next) this.sending = undefined;
      if (next.ack) this.pump();
    });
  }

  private sending?: UnsentMessage;

  private async push(item: UnsentMessage): Promise<void> {
    const socket = this.socket;
    if (!socket?.connected) return;
    item.sends += 1;
    try {
      const ack = (await socket.timeout(5000).emitWithAck('message:send', {
        clientMessageId: item.clientMessageId,
        text: item.text,
        attachmentIds: item.attachmentIds,
      })) as SendAck;
      if (ack.ok) {
        item.ack = ack;
        this.merge([ack.message]);
        if (ack.receipt) this.receipt = ack.receipt;
      } else if (ack.error.retryable) {
        await new Promise((r) => setTimeout(r, Math.min(ack.error.retryAfterMs ?? 500, 1000)).unref());
        return this.push(item);
      } else {
        item.ack = ack;
      }
    } catch {
      // No acknowledgement. Disconnected: the next connect sends it again. Still connected: try again now.
      if (this.socket === socket && socket.connected) {
        await new Promise((r) => setTimeout(r, 500).unref());
        return this.push(item);
      }
    }
  }

  eventsOf<T>(event: string): T[] {
    return this.events.filter((e) => e.event === event).map((e) => e.payload as T);
  }

  close(): void {
    this.socket?.removeAllListeners();
    this.socket?.disconnect();
  }
}

/** A signed-in agent on the staff namespace. */
export class TestAgent {
  readonly socket: Socket;
  readonly messageEvents: ChatMessageView[] = [];
  readonly events: Array<{ event: string; payload: unknown }> = [];
  connectError?: LivechatError & { message: string };

  constructor(url: string, token: string | undefined) {
    this.socket = io(`${url}/livechat-staff`, {
      auth: token === undefined ? {} : { token },
      transports: ['websocket'],
      forceNew: true,
      reconnectionDelay: 100,
      reconnectionDelayMax: 500,
    });
    this.socket.on('connect_error', (err: Error & { data?: LivechatError }) => {
      this.connectError = { ...(err.data ?? { code: 'internal_error', retryable: true }), message: err.message };
    });
    this.socket.on('message', (m: ChatMessageView) => this.messageEvents.push(m));
    for (const event of ['conversation:updated', 'typing', 'livechat:error']) {
      this.socket.on(event, (payload: unknown) => this.events.push({ event, payload }));
    }
  }

  async connected(): Promise<this> {
    await waitFor('agent socket to connect', () => this.socket.connected);
    return this;
  }

  async request<T = Record<string, unknown>>(event: string, payload: unknown = {}): Promise<LivechatAck<T>> {
    return (await this.socket.timeout(8000).emitWithAck(event, payload)) as LivechatAck<T>;
  }

  async reply(conversationId: string, text: string, clientMessageId = randomUUID()) {
    return this.request<{ message: ChatMessageView; duplicate: boolean }>('message:send', { conversationId, clientMessageId, text });
  }

  close(): void {
    this.socket.removeAllListeners();
    this.socket.disconnect();
  }
}
