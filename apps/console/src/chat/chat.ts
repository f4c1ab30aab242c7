/*
 * Livechat for customers: the pre-chat form, then the conversation. Plain TypeScript (no UI
 * library): the page is phone-sized and must load fast.
 * Reliability rules: every message gets a client id (its idempotency key) and stays in a
 * local outbox (localStorage) until the server acknowledges it as stored; on every (re)connect
 * the outbox is sent again and the server resends what this browser missed (after `lastSeq`).
 * All text from people is put in the page with textContent, never as HTML.
 */
import { io, type Socket } from 'socket.io-client';
import {
  DOMAIN_NAME_PATTERN,
  LIVECHAT_DEFAULT_LIMITS,
  LIVECHAT_EVENTS,
  LIVECHAT_FRAME_MESSAGES,
  LIVECHAT_LOCALES,
  LIVECHAT_NAMESPACES,
  LIVECHAT_STORAGE_KEYS,
  LIVECHAT_TEXTS,
  LIVECHAT_UPLOAD_CONTENT_TYPES,
  type ChatMessageView,
  type ConversationStateView,
  type LivechatAck,
  type LivechatError,
  type LivechatLocale,
  type LivechatReceipt,
  type LivechatSessionCreated,
  type LivechatSessionRequest,
  type LivechatTexts,
} from '@cg/contracts';
import { stringField } from '../form-kit/format';

const ACK_TIMEOUT_MS = 10_000;
const AUTO_RETRIES = 3;

type Attachment = ChatMessageView['attachments'][number];

/** A message typed here and not yet acknowledged by the server. */
interface OutboxItem {
  clientMessageId: string;
  text: string;
  attachments: Attachment[];
  state: 'sending' | 'failed';
  createdAt: string;
  retryable?: boolean;
  attempts?: number;
  error?: Partial<LivechatError> | null;
}

/** What this browser keeps (localStorage, and the host page's storage when embedded). */
interface StoredState {
  lang?: LivechatLocale;
  token?: string;
  conversationId?: string;
  outbox?: OutboxItem[];
  prefill?: { name: string; email: string; phone: string; ref: string };
}

type ConnState = 'connecting' | 'online' | 'offline';
type TextKey = { [K in keyof LivechatTexts]: LivechatTexts[K] extends string ? K : never }[keyof LivechatTexts];

const isLocale = (v: unknown): v is LivechatLocale => (LIVECHAT_LOCALES as readonly unknown[]).includes(v);

// ---- state ---------------------------------------------------------------------------
const params = new URLSearchParams(location.search);
const embedded = params.get('embed') === '1' && window.parent !== window;
const parentOrigin = embedded ? embedderOrigin() : null;
let stored = readStore();
const langParam = params.get('lang');
let lang: LivechatLocale = isLocale(stored.lang) ? stored.lang : isLocale(langParam) ? langParam : 'vi';
let socket: Socket | null = null;
const messages = new Map<string, ChatMessageView>();
let lastSeq = 0;
let conv: ConversationStateView | null = null;
let connState: ConnState = 'connecting';
let typingTimer: ReturnType<typeof setTimeout> | undefined;
let typingIdle: ReturnType<typeof setTimeout> | undefined;
let typingSentAt = 0;
let typingOn = false;
let toastTimer: ReturnType<typeof setTimeout> | undefined;
let pumping: OutboxItem | null = null; // the outbox message in flight

function embedderOrigin(): string | null {
  try {
    if (location.ancestorOrigins?.length) return location.ancestorOrigins[0] ?? null;
    return document.referrer ? new URL(document.referrer).origin : null;
  } catch {
    return null;
  }
}

function readStore(): StoredState {
  try {
    return (JSON.parse(localStorage.getItem(LIVECHAT_STORAGE_KEYS.chat) ?? '{}') as StoredState | null) ?? {};
  } catch {
    return {};
  }
}
function writeStore(): void {
  const json = JSON.stringify(stored);
  try {
    localStorage.setItem(LIVECHAT_STORAGE_KEYS.chat, json);
  } catch {
    /* storage full or blocked: the chat still works for this page */
  }
  // Embedded: the loader keeps a copy in the host page's storage (ours may be partitioned or blocked).
  if (parentOrigin) window.parent.postMessage({ type: LIVECHAT_FRAME_MESSAGES.store, state: json }, parentOrigin);
}

/** Embedded: asks the loader for the state it kept; gives up after a short wait. */
function restoreFromParent(done: () => void): void {
  if (!parentOrigin) return done();
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    window.removeEventListener('message', onMessage);
    done();
  };
  const onMessage = (ev: MessageEvent<{ type?: string; state?: unknown }>) => {
    if (ev.source !== window.parent || ev.origin !== parentOrigin || ev.data?.type !== LIVECHAT_FRAME_MESSAGES.restore) return;
    if (!stored.token && typeof ev.data.state === 'string') {
      try {
        const fromParent = (JSON.parse(ev.data.state) as StoredState | null) ?? {};
        if (fromParent.token) stored = fromParent;
      } catch {
        /* ignore a damaged copy */
      }
    }
    finish();
  };
  window.addEventListener('message', onMessage);
  window.parent.postMessage({ type: LIVECHAT_FRAME_MESSAGES.ready }, parentOrigin);
  setTimeout(finish, 1000);
}

const outbox = (): OutboxItem[] => (Array.isArray(stored.outbox) ? stored.outbox : (stored.outbox = []));
const texts = (): LivechatTexts => LIVECHAT_TEXTS[lang];
const t = (key: TextKey): string => texts()[key];
const $ = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, cls?: string | null, text?: string | number | null): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function newId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (x) => x.toString(16).padStart(2, '0')).join('');
}
const locale = () => (lang === 'vi' ? 'vi-VN' : 'en-GB');
function fmtTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : d.toLocaleTimeString(locale(), { hour: '2-digit', minute: '2-digit' });
}
function fmtDate(ymd: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(ymd);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : ymd;
}
function toast(text: string): void {
  const box = $('lc-toast');
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), 4000);
}
function errorText(error?: Partial<LivechatError> | null): string {
  if (!error) return t('genericError');
  if (error.code === 'rate_limited' || error.code === 'too_many_in_flight') return t('tooMany');
  if (error.code === 'intake_unavailable' || error.code === 'storage_unavailable') return t('unavailable');
  return error.message || t('genericError');
}

// ---- static texts ----------------------------------------------------------------------
function applyTexts(): void {
  document.documentElement.lang = lang;
  if (embedded) document.documentElement.classList.add('lc-embedded');
  document.title = t('title');
  $('lc-title').textContent = t('title');
  $('lc-lang').textContent = t('other');
  $('lc-lang').setAttribute('aria-label', t('otherLabel'));
  $('lc-minimize').textContent = '–';
  $('lc-minimize').setAttribute('aria-label', t('minimize'));
  $('lc-minimize').hidden = !embedded;
  $('lc-form-intro').textContent = t('formIntro');
  document.querySelectorAll<HTMLElement>('[data-i18n]').forEach((node) => {
    node.textContent = t(node.getAttribute('data-i18n') as TextKey);
  });
  $<HTMLTextAreaElement>('lc-input').placeholder = t('placeholder');
  $('lc-attach-label').title = t('attach');
  $('lc-file').setAttribute('aria-label', t('attach'));
  renderStatus();
  renderBanner();
  renderAll();
}

function renderStatus(): void {
  $('lc').setAttribute('data-conn', connState);
  $('lc-status').textContent = connState === 'online' ? t('online') : connState === 'offline' ? t('offline') : t('connecting');
}

function renderBanner(): void {
  const banner = $('lc-banner');
  const show = conv?.status === 'open' && !conv.agentsOnline;
  banner.hidden = !show;
  banner.textContent = show ? t('noAgent') : '';
}

// ---- pre-chat form ---------------------------------------------------------------------
const form = () => $<HTMLFormElement>('lc-form');
const formInput = (name: string) => form().elements.namedItem(name) as HTMLInputElement | null;

function showForm(notice: string): void {
  $('lc-form-view').hidden = false;
  $('lc-chat-view').hidden = true;
  $('lc').setAttribute('data-state', 'form');
  const prefill = stored.prefill;
  for (const k of ['name', 'email', 'phone', 'ref'] as const) {
    const input = formInput(k);
    if (prefill?.[k] && input && !input.value) input.value = prefill[k];
  }
  const err = $('lc-form-error');
  err.hidden = !notice;
  err.textContent = notice;
}

function clearFieldErrors(): void {
  document.querySelectorAll('.lc-field-error').forEach((n) => (n.textContent = ''));
  Array.from(form().elements).forEach((n) => n.removeAttribute('aria-invalid'));
}
function fieldError(field: string, message: string): void {
  const slot = document.querySelector(`.lc-field-error[data-field="${field}"]`);
  if (slot) slot.textContent = message;
  formInput(field === 'domain' || field === 'customerId' ? 'ref' : field)?.setAttribute('aria-invalid', 'true');
}

async function onSubmitForm(ev: SubmitEvent): Promise<void> {
  ev.preventDefault();
  clearFieldErrors();
  const v = (k: string) => formInput(k)?.value.trim() ?? '';
  const body: LivechatSessionRequest = { name: v('name'), locale: lang };
  if (v('email')) body.email = v('email');
  if (v('phone')) body.phone = v('phone');
  const ref = v('ref');
  if (ref) {
    if (DOMAIN_NAME_PATTERN.test(ref)) body.domain = ref.toLowerCase();
    else body.customerId = ref;
  }
  let bad = false;
  if (!body.name) {
    fieldError('name', t('formError'));
    bad = true;
  }
  if (!body.email && !body.phone) {
    fieldError('email', t('needContact'));
    bad = true;
  }
  if (bad) return showForm(t('formError'));
  stored.prefill = { name: v('name'), email: v('email'), phone: v('phone'), ref };
  writeStore();
  const btn = $<HTMLButtonElement>('lc-start');
  btn.disabled = true;
  btn.textContent = t('starting');
  try {
    const res = await fetch('/api/v1/livechat/sessions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json = (await res.json().catch(() => ({}))) as Partial<LivechatSessionCreated> & {
      errors?: { field: string; message: string }[];
      title?: string;
      detail?: string;
    };
    if (res.status === 201 && json.token) {
      stored.token = json.token;
      stored.conversationId = json.conversationId;
      stored.outbox = [];
      writeStore();
      startChat();
      return;
    }
    (json.errors ?? []).forEach((e) => fieldError(e.field, e.message));
    showForm(json.detail || json.title || t('genericError'));
  } catch {
    showForm(t('genericError'));
  } finally {
    btn.disabled = false;
    btn.textContent = t('start');
  }
}

// ---- conversation ----------------------------------------------------------------------
function startChat(): void {
  $('lc-form-view').hidden = true;
  $('lc-chat-view').hidden = false;
  $('lc').setAttribute('data-state', 'chat');
  messages.clear();
  lastSeq = 0;
  conv = null;
  // Whatever was in flight when the page went away is sent again (same client ids).
  outbox().forEach((m) => {
    if (m.state === 'failed' && m.retryable) m.state = 'sending';
  });
  renderAll();
  connect();
}

/** Refused by the server's checks (socket.io does not retry these), or closed on purpose: retry later. */
function reconnectLater(ms: number): void {
  setTimeout(() => {
    if (socket && !socket.connected) socket.connect();
  }, ms);
}

function connect(): void {
  if (socket) {
    socket.removeAllListeners();
    socket.disconnect();
  }
  connState = 'connecting';
  renderStatus();
  const s = io(LIVECHAT_NAMESPACES.visitor, {
    auth: (cb) => cb({ token: stored.token, lastSeq }),
    transports: ['websocket', 'polling'],
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
    timeout: 10_000,
  });
  socket = s;
  s.on('connect', () => {
    connState = 'online';
    renderStatus();
    flushOutbox();
  });
  s.on('disconnect', (reason) => {
    connState = 'offline';
    renderStatus();
    pumping = null;
    if (reason === 'io server disconnect') reconnectLater(2000);
  });
  s.on('connect_error', (err: Error & { data?: Partial<LivechatError> }) => {
    connState = 'offline';
    renderStatus();
    const data = err.data;
    if (!data) return; // transport error: socket.io retries by itself
    if (data.code === 'unauthenticated' || data.code === 'conversation_not_found') return resetSession(t('sessionExpired'));
    reconnectLater(data.retryable ? 2000 : 10_000);
  });
  s.on(LIVECHAT_EVENTS.state, (state: ConversationStateView) => {
    conv = state;
    renderBanner();
    renderAll();
  });
  s.on(LIVECHAT_EVENTS.sync, onSync);
  s.on(LIVECHAT_EVENTS.message, (m: ChatMessageView) => {
    if (m?.sender?.kind === 'agent') $('lc-typing').hidden = true;
    merge([m]);
  });
  s.on(LIVECHAT_EVENTS.receipt, (r: LivechatReceipt) => {
    if (conv) conv.receipt = r;
    renderAll();
  });
  s.on(LIVECHAT_EVENTS.presence, (p?: { agentsOnline?: boolean }) => {
    if (conv) conv.agentsOnline = Boolean(p?.agentsOnline);
    renderBanner();
  });
  s.on(LIVECHAT_EVENTS.typing, (p?: { isTyping?: boolean; name?: string }) => {
    const line = $('lc-typing');
    if (p?.isTyping) {
      line.textContent = texts().agentTyping(p.name);
      line.hidden = false;
      clearTimeout(typingTimer);
      typingTimer = setTimeout(() => (line.hidden = true), 6000);
    } else {
      line.hidden = true;
    }
  });
  s.on(LIVECHAT_EVENTS.error, (e: LivechatError) => toast(errorText(e)));
}

interface SyncPage {
  messages?: ChatMessageView[];
  hasMore?: boolean;
}
function onSync(page?: SyncPage): void {
  merge(page?.messages ?? []);
  if (page?.hasMore) {
    socket
      ?.timeout(ACK_TIMEOUT_MS)
      .emit(LIVECHAT_EVENTS.requestSync, { afterSeq: lastSeq }, (err: Error | null, res?: LivechatAck<SyncPage>) => {
        if (!err && res?.ok) onSync(res);
      });
  }
}

function merge(list: ChatMessageView[]): void {
  let changed = false;
  for (const m of list) {
    if (!m || typeof m.id !== 'string') continue;
    if (!messages.has(m.id)) changed = true;
    messages.set(m.id, m);
    if (m.seq > lastSeq) lastSeq = m.seq;
    // Our own message came back from the server: it is stored, whatever happened to the ack.
    const ob = outbox();
    const i = ob.findIndex((x) => x.clientMessageId === m.id);
    if (i >= 0) {
      ob.splice(i, 1);
      writeStore();
      changed = true;
    }
    if (m.type === 'notice' && m.data?.event === 'ended' && conv) conv.status = 'ended';
    if (m.type === 'receipt' && conv && !conv.receipt && m.data) {
      conv.receipt = {
        caseNumber: stringField(m.data.caseNumber),
        deadlinePolicy: stringField(m.data.deadlinePolicy),
        receivedAt: m.createdAt,
      };
    }
  }
  if (changed) renderAll();
}

function flushOutbox(): void {
  outbox().forEach((m) => {
    if (m.state === 'failed' && m.retryable) m.state = 'sending';
    m.attempts = 0;
  });
  renderAll();
  pump();
}

// One message in flight at a time, in the order typed, so the conversation keeps that order.
function pump(): void {
  if (pumping || !socket?.connected) return; // sent on the next connect
  const next = outbox().find((m) => m.state === 'sending');
  if (!next) return;
  pumping = next;
  sendItem(next, () => {
    if (pumping === next) pumping = null;
    pump();
  });
}

function sendItem(m: OutboxItem, done: () => void): void {
  const sentOn = socket;
  if (!sentOn) return;
  const payload = { clientMessageId: m.clientMessageId, text: m.text, attachmentIds: m.attachments.map((a) => a.id) };
  sentOn
    .timeout(ACK_TIMEOUT_MS)
    .emit(
      LIVECHAT_EVENTS.send,
      payload,
      (err: Error | null, res?: LivechatAck<{ message: ChatMessageView; receipt?: LivechatReceipt }>) => {
        if (sentOn !== socket) return; // a newer connection took over
        if (err) {
          // No answer in time: still in the outbox; sent again on reconnect, or with the retry button.
          if (!sentOn.connected) return; // the disconnect handler resets the pump
          m.state = 'failed';
          m.retryable = true;
          m.error = null;
        } else if (res?.ok) {
          if (res.receipt && conv) conv.receipt = res.receipt;
          merge([res.message]);
          return done();
        } else {
          const e: Partial<LivechatError> = (res && !res.ok && res.error) || {};
          m.error = e;
          m.retryable = Boolean(e.retryable);
          m.attempts = (m.attempts ?? 0) + 1;
          if (e.code === 'conversation_ended' && conv) conv.status = 'ended';
          if (e.retryable && m.attempts < AUTO_RETRIES) {
            writeStore();
            renderAll();
            setTimeout(
              () => {
                if (sentOn === socket && sentOn.connected) sendItem(m, done);
              },
              Math.min(e.retryAfterMs ?? 2000, 15_000),
            );
            return;
          }
          m.state = 'failed';
        }
        writeStore();
        renderAll();
        done();
      },
    );
}

function queueMessage(text: string, attachments: Attachment[]): void {
  outbox().push({ clientMessageId: newId(), text, attachments, state: 'sending', createdAt: new Date().toISOString() });
  writeStore();
  renderAll();
  pump();
}

function retry(m: OutboxItem): void {
  m.state = 'sending';
  m.attempts = 0;
  writeStore();
  renderAll();
  pump();
}

function resetSession(notice: string): void {
  if (socket) {
    socket.removeAllListeners();
    socket.disconnect();
    socket = null;
  }
  delete stored.token;
  delete stored.conversationId;
  stored.outbox = [];
  writeStore();
  messages.clear();
  conv = null;
  lastSeq = 0;
  showForm(notice);
}

// ---- rendering -------------------------------------------------------------------------
function renderAll(): void {
  const list = $('lc-messages');
  list.textContent = '';
  [...messages.values()].sort((a, b) => a.seq - b.seq).forEach((m) => list.appendChild(renderMessage(m)));
  outbox().forEach((m) => list.appendChild(renderPending(m)));
  list.scrollTop = list.scrollHeight;
  const ended = conv?.status === 'ended';
  $('lc-ended').hidden = !ended;
  $('lc-compose').hidden = ended;
  $('lc-transcript').hidden = !conv?.hasEmail;
  $('lc-end').hidden = ended || !conv;
}

function fileChips(attachments: Attachment[]): HTMLElement {
  const wrap = el('div');
  attachments.forEach((a) => wrap.appendChild(el('div', 'lc-file', `${a.fileName} · ${Math.max(1, Math.round(a.size / 1024))} KB`)));
  return wrap;
}

function renderMessage(m: ChatMessageView): HTMLElement {
  const kind = m.sender?.kind;
  if (m.type === 'receipt') return renderReceipt(m);
  const li = el('li', 'lc-msg');
  li.setAttribute('data-kind', kind || 'system');
  li.setAttribute('data-id', m.id);
  li.setAttribute('data-state', 'received');
  if (m.type === 'notice') {
    li.appendChild(el('div', 'lc-bubble', m.data?.event === 'ended' ? t('endedBy') : m.text));
    return li;
  }
  if (kind === 'agent') li.appendChild(el('div', 'lc-author', `${m.sender.name || t('agent')} · ${t('agent')}`));
  const bubble = el('div', 'lc-bubble', m.text);
  if (m.attachments?.length) bubble.appendChild(fileChips(m.attachments));
  li.appendChild(bubble);
  li.appendChild(el('div', 'lc-meta', fmtTime(m.createdAt) + (kind === 'visitor' ? ` · ✓ ${t('received')}` : '')));
  return li;
}

function renderPending(m: OutboxItem): HTMLElement {
  const li = el('li', 'lc-msg');
  li.setAttribute('data-kind', 'visitor');
  li.setAttribute('data-id', m.clientMessageId);
  li.setAttribute('data-state', m.state);
  const bubble = el('div', 'lc-bubble', m.text);
  if (m.attachments?.length) bubble.appendChild(fileChips(m.attachments));
  li.appendChild(bubble);
  const meta = el(
    'div',
    'lc-meta',
    m.state === 'failed' ? `⚠ ${t('failed')}${m.error ? `: ${errorText(m.error)}` : ''}` : `… ${t('sending')}`,
  );
  if (m.state === 'failed') {
    const b = el('button', 'lc-retry', t('retry'));
    b.type = 'button';
    b.setAttribute('data-testid', 'retry');
    b.addEventListener('click', () => retry(m));
    meta.appendChild(b);
  }
  li.appendChild(meta);
  return li;
}

function renderReceipt(m: ChatMessageView): HTMLElement {
  const caseNumber = stringField(m.data?.caseNumber);
  const r: Partial<LivechatReceipt> =
    conv?.receipt && conv.receipt.caseNumber === caseNumber ? conv.receipt : { caseNumber, receivedAt: m.createdAt };
  const li = el('li', 'lc-msg lc-receipt');
  li.setAttribute('data-kind', 'system');
  li.setAttribute('data-id', m.id);
  li.setAttribute('data-testid', 'receipt');
  li.appendChild(el('strong', null, t('receiptTitle')));
  const dl = el('dl');
  dl.appendChild(el('dt', null, t('caseNumber')));
  const dd = el('dd', 'lc-case', r.caseNumber);
  dd.setAttribute('data-testid', 'case-number');
  dl.appendChild(dd);
  dl.appendChild(el('dt', null, t('receivedAt')));
  dl.appendChild(
    el('dd', null, new Date(r.receivedAt ?? m.createdAt).toLocaleString(locale(), { dateStyle: 'short', timeStyle: 'short' })),
  );
  dl.appendChild(el('dt', null, t('deadline')));
  const due = el('dd', null, r.dueDate ? texts().byDate(fmtDate(r.dueDate)) : t('withinDays'));
  due.setAttribute('data-testid', 'deadline');
  dl.appendChild(due);
  li.appendChild(dl);
  li.appendChild(el('div', 'lc-meta', t('keepNumber')));
  return li;
}

// ---- composing -------------------------------------------------------------------------
const input = () => $<HTMLTextAreaElement>('lc-input');

function onSend(ev: Event): void {
  ev.preventDefault();
  const text = input().value.trim();
  if (!text) return;
  input().value = '';
  autoGrow();
  stopTyping();
  queueMessage(text, []);
}

function onInput(): void {
  autoGrow();
  const now = Date.now();
  if (socket?.connected && (!typingOn || now - typingSentAt > 2000)) {
    socket.emit(LIVECHAT_EVENTS.typing, { isTyping: true });
    typingOn = true;
    typingSentAt = now;
  }
  clearTimeout(typingIdle);
  typingIdle = setTimeout(stopTyping, 3000);
}
function stopTyping(): void {
  if (typingOn && socket?.connected) socket.emit(LIVECHAT_EVENTS.typing, { isTyping: false });
  typingOn = false;
}
function autoGrow(): void {
  // Set through the CSSOM (allowed by the page's CSP, unlike a style attribute).
  const box = input();
  box.style.height = 'auto';
  box.style.height = `${Math.min(box.scrollHeight + 2, 120)}px`;
}

async function onFile(ev: Event): Promise<void> {
  const picker = ev.target as HTMLInputElement;
  const file = picker.files?.[0];
  picker.value = '';
  if (!file) return;
  if (file.size > LIVECHAT_DEFAULT_LIMITS.uploadMaxBytes) return toast(t('tooBig'));
  toast(t('uploading'));
  try {
    const res = await fetch(`/api/v1/livechat/attachments?name=${encodeURIComponent(file.name)}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${stored.token ?? ''}`, 'content-type': 'application/octet-stream' },
      body: file,
    });
    const json = (await res.json().catch(() => ({}))) as Attachment & { title?: string; detail?: string };
    if (res.status === 201) {
      $('lc-toast').hidden = true;
      queueMessage(input().value.trim(), [json]);
      input().value = '';
    } else if (res.status === 415) toast(t('badType'));
    else if (res.status === 413) toast(t('tooBig'));
    else toast(json.detail || json.title || t('genericError'));
  } catch {
    toast(t('genericError'));
  }
}

function ask(event: string, done: () => void): void {
  if (!socket?.connected) return toast(t('offline'));
  socket.timeout(ACK_TIMEOUT_MS).emit(event, {}, (err: Error | null, res?: LivechatAck<object>) => {
    if (err || !res) return toast(t('genericError'));
    if (!res.ok) return toast(errorText(res.error));
    done();
  });
}

// ---- start -----------------------------------------------------------------------------
function init(): void {
  input().maxLength = LIVECHAT_DEFAULT_LIMITS.maxMessageChars;
  $<HTMLInputElement>('lc-file').accept = LIVECHAT_UPLOAD_CONTENT_TYPES.join(',');
  applyTexts();
  form().addEventListener('submit', (ev) => void onSubmitForm(ev));
  $('lc-compose').addEventListener('submit', onSend);
  input().addEventListener('input', onInput);
  input().addEventListener('keydown', (ev) => {
    if (ev.key === 'Enter' && !ev.shiftKey && !ev.isComposing) onSend(ev);
  });
  $('lc-file').addEventListener('change', (ev) => void onFile(ev));
  $('lc-lang').addEventListener('click', () => {
    lang = lang === 'vi' ? 'en' : 'vi';
    stored.lang = lang;
    writeStore();
    applyTexts();
  });
  $('lc-minimize').addEventListener('click', () => window.parent.postMessage({ type: LIVECHAT_FRAME_MESSAGES.minimize }, '*'));
  $('lc-transcript').addEventListener('click', () => ask(LIVECHAT_EVENTS.requestTranscript, () => toast(t('transcriptQueued'))));
  $('lc-end').addEventListener('click', () => {
    if (!window.confirm(t('endConfirm'))) return;
    ask(LIVECHAT_EVENTS.end, () => {
      if (conv) conv.status = 'ended';
      renderAll();
    });
  });
  $('lc-new').addEventListener('click', () => resetSession(''));
  restoreFromParent(() => {
    if (isLocale(stored.lang) && stored.lang !== lang) {
      lang = stored.lang;
      applyTexts();
    }
    if (stored.token) startChat();
    else showForm('');
  });
}

// A module script runs after the document is parsed.
init();
