import { useEffect, useRef, useState } from 'preact/hooks';
import { LIVECHAT_DEFAULT_LIMITS, type ChatMessageView } from '@cg/contracts';
import { useConsole } from '../../app/context';
import { onLinkClick, routeHref } from '../../app/router';
import { formatTime, stringField } from '../../form-kit/format';
import { agentDesk, useAgentDesk, type AgentDesk, type PendingReply } from './agent-desk';

const CONNECTION_TEXT = { connecting: '○ connecting…', online: '● online', offline: '○ connection lost…' } as const;

/** Customer-support agents answer livechat customers in real time (cs_agent, supervisor, admin). */
export function LivechatAgent() {
  const { session, api } = useConsole();
  const [authError, setAuthError] = useState('');
  // Created once per sign-in; it stays connected while the agent uses other screens.
  const desk = agentDesk(session.token, setAuthError);
  const view = useAgentDesk((d) => ({ ...snapshot(d) }), snapshot(desk));
  const input = useRef<HTMLTextAreaElement>(null);
  const messages = useRef<HTMLOListElement>(null);

  useEffect(() => {
    if (messages.current) messages.current.scrollTop = messages.current.scrollHeight;
  }, [view.messages.length, view.pending.length, view.openId]);

  // Opening a conversation puts the cursor in the answer box.
  useEffect(() => {
    if (view.openId) input.current?.focus();
  }, [view.openId]);

  const open = (id: string) => desk.open(id);
  const send = (ev: Event) => {
    ev.preventDefault();
    const text = input.current?.value.trim() ?? '';
    if (!text) return;
    input.current!.value = '';
    desk.send(text);
  };
  const download = async (a: ChatMessageView['attachments'][number]) => {
    const url = URL.createObjectURL(await api.chatAttachment(a.id));
    const link = document.createElement('a');
    link.href = url;
    link.download = a.fileName;
    link.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  };

  const conv = view.open;
  return (
    <div class="card desk">
      <div class="desk-head">
        <h2>Livechat</h2>
        <span class="desk-status" role="status">
          {CONNECTION_TEXT[view.connection]}
        </span>
        {authError && (
          <span class="error" role="alert">
            {authError}
          </span>
        )}
      </div>
      <div class="desk-body">
        <nav class="desk-list" aria-labelledby="desk-list-title">
          <h3 id="desk-list-title">Open conversations</h3>
          <ul data-testid="conversations">
            {view.list.length === 0 && <li class="hint">No open conversation.</li>}
            {view.list.map((c) => {
              const unread = view.unread.get(c.conversationId) ?? 0;
              return (
                <li key={c.conversationId} data-id={c.conversationId}>
                  <button
                    type="button"
                    aria-current={c.conversationId === view.openId ? 'true' : undefined}
                    onClick={() => open(c.conversationId)}
                  >
                    <span class="desk-name">
                      {c.customer.name || '—'}
                      {unread > 0 && (
                        <span class="badge unread" aria-label={`${unread} unread`}>
                          {unread}
                        </span>
                      )}
                    </span>
                    <span class="desk-preview">
                      {c.caseNumber ? `${c.caseNumber} · ` : ''}
                      {c.lastMessagePreview ?? ''}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        </nav>
        <section class="desk-conv" aria-label="Conversation">
          {!conv ? (
            <p class="desk-empty">Choose a conversation on the left.</p>
          ) : (
            <>
              <div class="desk-conv-head">
                <div>
                  <h3>{conv.customer.name || '—'}</h3>
                  <p class="hint">
                    {[conv.customer.email, conv.customer.phone, conv.customer.domain, conv.customer.customerId].filter(Boolean).join(' · ')}
                  </p>
                </div>
                <div class="row">
                  {conv.caseNumber && (
                    <a
                      data-testid="agent-case"
                      class="desk-case"
                      href={routeHref({ screen: 'cases', caseNumber: conv.caseNumber })}
                      onClick={onLinkClick({ screen: 'cases', caseNumber: conv.caseNumber })}
                    >
                      {conv.caseNumber}
                    </a>
                  )}
                  {conv.status === 'open' && (
                    <button type="button" class="link" onClick={() => window.confirm('End this conversation?') && desk.end()}>
                      End chat
                    </button>
                  )}
                </div>
              </div>
              <ol ref={messages} class="desk-messages" data-testid="agent-messages" role="log" aria-live="polite">
                {view.messages.map((m) => (
                  <Message key={m.id} m={m} onDownload={download} />
                ))}
                {view.pending.map((p) => (
                  <Pending key={p.clientMessageId} p={p} />
                ))}
              </ol>
              {view.visitorTyping && <p class="desk-typing">The customer is typing…</p>}
              {conv.status === 'open' && (
                <form class="desk-compose" onSubmit={send}>
                  <label class="visually-hidden" for="desk-input">
                    Answer to the customer
                  </label>
                  <textarea
                    id="desk-input"
                    ref={input}
                    rows={2}
                    maxLength={LIVECHAT_DEFAULT_LIMITS.maxMessageChars}
                    placeholder="Answer the customer… (Enter sends, Shift+Enter for a new line)"
                    data-testid="agent-input"
                    onInput={() => desk.typing()}
                    onKeyDown={(ev) => ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing && send(ev)}
                  />
                  <button type="submit" data-testid="agent-send">
                    Send
                  </button>
                </form>
              )}
            </>
          )}
        </section>
      </div>
    </div>
  );
}

function snapshot(d: AgentDesk) {
  return {
    connection: d.connection,
    list: d.list(),
    unread: d.unread,
    openId: d.openId,
    open: d.openConversation(),
    messages: d.sortedMessages(),
    pending: [...d.pending.values()],
    visitorTyping: d.visitorTyping,
  };
}

function Message({ m, onDownload }: { m: ChatMessageView; onDownload: (a: ChatMessageView['attachments'][number]) => void }) {
  const kind = m.sender.kind;
  let text = m.text;
  if (m.type === 'receipt') text = `Case number ${stringField(m.data?.caseNumber)} given to the customer.`;
  if (m.type === 'notice' && m.data?.event === 'ended') text = 'The conversation has ended.';
  return (
    <li class="desk-msg" data-kind={kind} data-id={m.id}>
      {text}
      {m.attachments.map((a) => (
        <button key={a.id} type="button" class="link" onClick={() => onDownload(a)}>
          File: {a.fileName}
        </button>
      ))}
      <span class="desk-meta">
        {kind === 'agent' ? `${m.sender.name ?? ''} · ` : ''}
        {formatTime(m.createdAt)}
      </span>
    </li>
  );
}

function Pending({ p }: { p: PendingReply }) {
  return (
    <li class="desk-msg" data-kind="agent" data-state={p.state} data-id={p.clientMessageId}>
      {p.text}
      <span class="desk-meta">{p.state === 'failed' ? `not sent: ${p.error ?? ''}` : 'sending…'}</span>
    </li>
  );
}
