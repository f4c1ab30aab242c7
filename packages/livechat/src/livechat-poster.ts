import { randomUUID } from 'node:crypto';
import { Server } from 'socket.io';
import { createRedisConnection, type RedisClient } from '@cg/queue';
import type { ChatMessageView, StaffRole } from '@cg/contracts';
import type { ConversationRepository } from '@cg/db';
import { ConversationLog } from './conversation-log';
import { createLivechatAdapter } from './adapter';
import { broadcastMessage } from './delivery';
import { toChatMessageView, toConversationSummary } from './views';

/** A message a server-side process posts into a conversation (an agent's answer, a system notice). */
export interface LivechatPost {
  conversationId: string;
  text: string;
  /** Idempotency key: the same id posted twice is one message. Defaults to a new UUID. */
  messageId?: string;
  sender?: { kind: 'agent' | 'system'; id?: string; name?: string; role?: StaffRole };
  type?: 'text' | 'notice';
}

/**
 * How a process that is not a gateway (a worker answering a case, a CLI) writes into a
 * livechat conversation: the message is stored in MongoDB first, then emitted through a
 * socket.io server that listens on nothing but shares the gateways' Redis streams adapter,
 * so the visitor receives it live on whichever gateway node holds the socket.
 */
export class LivechatPoster {
  private readonly io: Server;
  private readonly redis: RedisClient;
  private readonly log: ConversationLog;

  constructor(
    private readonly conversations: ConversationRepository,
    opts: { redisUrl: string; prefix: string },
  ) {
    // Retries (not fail-fast): the adapter blocks on XREAD through its duplicates. A cluster URL gives a cluster client.
    this.redis = createRedisConnection(opts.redisUrl, 'worker');
    this.io = new Server({ adapter: createLivechatAdapter(this.redis, opts.prefix), serveClient: false });
    this.log = new ConversationLog(conversations, this.redis, opts.prefix);
  }

  async post(msg: LivechatPost): Promise<{ message: ChatMessageView; duplicate: boolean }> {
    const { message, duplicate } = await this.log.append(
      {
        conversationId: msg.conversationId,
        messageId: msg.messageId ?? `srv-${randomUUID()}`,
        sender: msg.sender ?? { kind: 'system' },
        type: msg.type ?? 'text',
        text: msg.text,
      },
      { requireOpen: false },
    );
    const view = toChatMessageView(message);
    const latest = await this.conversations.findById(msg.conversationId);
    broadcastMessage(
      this.io,
      view,
      latest ? { ...toConversationSummary(latest), lastMessageAt: view.createdAt, lastMessagePreview: view.text.slice(0, 140) } : undefined,
    );
    return { message: view, duplicate };
  }

  async close(): Promise<void> {
    // Server.close() expects an HTTP engine; this server has none, so close its adapters directly.
    await Promise.allSettled([...this.io._nsps.values()].map((nsp) => Promise.resolve(nsp.adapter.close())));
    await this.log.close();
    this.redis.disconnect();
  }
}
