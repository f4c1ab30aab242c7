import type { Server } from 'socket.io';
import { LIVECHAT_EVENTS, LIVECHAT_NAMESPACES, livechatRooms, type ChatMessageView } from '@cg/contracts';
import type { ConversationSummaryView } from './views';

/**
 * Delivers a stored message to everyone who should see it, on every node (through the
 * adapter): the visitor's tabs and all signed-in agents. Always called after the message is
 * in MongoDB, so a client that misses this broadcast finds the message on its next sync.
 */
export function broadcastMessage(io: Server, message: ChatMessageView, summary?: ConversationSummaryView): void {
  io.of(LIVECHAT_NAMESPACES.visitor).to(livechatRooms.conversation(message.conversationId)).emit(LIVECHAT_EVENTS.message, message);
  const staff = io.of(LIVECHAT_NAMESPACES.staff).to(livechatRooms.agents);
  staff.emit(LIVECHAT_EVENTS.message, message);
  if (summary) staff.emit(LIVECHAT_EVENTS.conversationUpdated, summary);
}
