/**
 * The customers and clerks of a fault run, one complaint each, behaving like real clients: a
 * request that gets no answer (connection refused or cut, 5xx, a timeout, or an answer the
 * client itself gave up on) is sent again with the same idempotency key (hotline callId, the
 * letter's bytes and id, the chat's client message id, the mail's Message-ID) until it is
 * acknowledged. Some clients also repeat after an acknowledgement, as one whose answer was lost
 * would. Every complaint's text carries a unique tag, so the cases it became can be counted.
 */
import { randomUUID } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import { renderPage, requestJson, type TestDovecot, type TestRequestInit } from '@cg/testing';

export type Channel = 'hotline' | 'email' | 'livechat' | 'postal';

export interface Submission {
  index: number;
  channel: Channel;
  /** In the complaint's text; the cases carrying it are counted. */
  tag: string;
  /** The customer's own address (unique per complaint): its receipts are counted. */
  email: string;
  /** The idempotency key the client repeats (callId, Message-ID, conversation id, letter id). */
  key?: string;
  acknowledged: boolean;
  /** Every case number the system answered for this complaint (one expected). */
  caseNumbers: Set<string>;
  /** Requests sent (first + retries + deliberate repeats). */
  sends: number;
  /** Repeats after an acknowledgement, or after the client gave up waiting for one. */
  repeats: number;
  startedAt: number;
  acknowledgedAt?: number;
  lastError?: string;
}

export interface ClientContext {
  url: string;
  runId: string;
  dovecot: TestDovecot;
  operatorToken: string;
  clerkToken: string;
  /** Share of clients that repeat a request they got (or gave up on) an answer to. */
  repeatShare: number;
  random: () => number;
  /** A client gives up after this long (then its complaint counts as not acknowledged). */
  giveUpMs: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const backoff = (attempt: number) => Math.min(200 * 2 ** Math.min(attempt, 4), 2000) + Math.floor(Math.random() * 200);

const TOPICS = [
  'Tên miền {d} đã hết hạn dù tôi đã thanh toán gia hạn tuần trước, website không truy cập được.',
  'Email công ty trên tên miền {d} không nhận được thư từ sáng nay, khách hàng báo bị trả về.',
  'Hosting của {d} chạy rất chậm và thường xuyên báo lỗi 500 từ hôm qua.',
  'Hoá đơn tháng này tính hai lần phí gia hạn tên miền {d}, đề nghị hoàn tiền.',
  'Chứng chỉ SSL của {d} báo hết hạn dù đã được gia hạn tự động.',
];

function complaintText(s: Submission, random: () => number): string {
  const topic = TOPICS[Math.floor(random() * TOPICS.length)]!.replace('{d}', `kh${s.index}.vn`);
  return `${topic} Mã tham chiếu ${s.tag}.`;
}

interface HttpAnswer {
  status: number;
  body: Record<string, unknown>;
}

/** One request; undefined when no answer came (refused, cut, aborted by the client). */
async function request(url: string, init: TestRequestInit & { abortAfterMs?: number }): Promise<HttpAnswer | undefined> {
  const { abortAfterMs = 20_000, ...rest } = init;
  try {
    const res = await requestJson(url, '', { ...rest, signal: AbortSignal.timeout(abortAfterMs) });
    const answer: unknown = res.body;
    const body = answer === undefined ? {} : typeof answer === 'object' && answer ? answer : { text: answer };
    return { status: res.status, body: body as Record<string, unknown> };
  } catch {
    return undefined;
  }
}

/**
 * Sends until an answer with one of the `ok` statuses; the first send of a repeating client is
 * cut after a few milliseconds (it never hears the answer, though the server may have acted).
 */
async function untilAcknowledged(
  s: Submission,
  ctx: ClientContext,
  send: (abortAfterMs?: number) => Promise<HttpAnswer | undefined>,
  ok: number[],
  cutFirst: boolean,
): Promise<HttpAnswer | undefined> {
  const deadline = s.startedAt + ctx.giveUpMs;
  for (let attempt = 0; Date.now() < deadline; attempt++) {
    s.sends += 1;
    const cut = cutFirst && attempt === 0;
    if (cut) s.repeats += 1;
    const answer = await send(cut ? 5 + Math.floor(ctx.random() * 60) : undefined);
    if (answer && ok.includes(answer.status)) return answer;
    if (answer && answer.status < 500 && answer.status !== 409 && answer.status !== 429) {
      s.lastError = `${answer.status} ${JSON.stringify(answer.body).slice(0, 300)}`;
      return undefined; // refused for good: a bug in the run or the system, reported
    }
    s.lastError = answer ? `${answer.status} ${JSON.stringify(answer.body.code ?? answer.body.title ?? '')}` : 'no answer';
    await sleep(backoff(attempt));
  }
  return undefined;
}

function acknowledge(s: Submission, caseNumber: unknown): void {
  if (typeof caseNumber !== 'string') return;
  s.caseNumbers.add(caseNumber);
  if (!s.acknowledged) {
    s.acknowledged = true;
    s.acknowledgedAt = Date.now();
  }
}

export async function submitHotline(s: Submission, ctx: ClientContext): Promise<void> {
  const callId = `call-${ctx.runId}-${s.index}`;
  s.key = callId;
  const json = {
    caller: { name: `Khách hàng ${s.index}`, phone: `0912 ${String(100000 + s.index).slice(-6)}`, email: s.email },
    notes: complaintText(s, ctx.random),
    callId,
  };
  const repeat = ctx.random() < ctx.repeatShare;
  const send = (abortAfterMs?: number) =>
    request(`${ctx.url}/api/v1/hotline/calls`, {
      method: 'POST',
      token: ctx.operatorToken,
      json,
      ...(abortAfterMs ? { abortAfterMs } : {}),
    });
  const answer = await untilAcknowledged(s, ctx, send, [202], repeat);
  if (answer) acknowledge(s, answer.body.caseNumber);
}

export async function submitEmail(s: Submission, ctx: ClientContext): Promise<void> {
  const messageId = `<chaos-${ctx.runId}-${s.index}@customer.example>`;
  s.key = messageId;
  const raw = [
    `From: =?UTF-8?B?${Buffer.from(`Khách hàng ${s.index}`).toString('base64')}?= <${s.email}>`,
    'To: support@tenten.test',
    `Subject: =?UTF-8?B?${Buffer.from(`Khiếu nại dịch vụ ${s.tag}`).toString('base64')}?=`,
    `Message-ID: ${messageId}`,
    `Date: ${new Date().toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    complaintText(s, ctx.random),
    '',
  ].join('\r\n');
  // The mail server took it: from here the system must make it a case. Some servers deliver a
  // message twice (a retry after a lost acknowledgement between MTAs): the same Message-ID again.
  const copies = ctx.random() < ctx.repeatShare ? 2 : 1;
  for (let c = 0; c < copies; c++) {
    for (let attempt = 0; ; attempt++) {
      s.sends += 1;
      try {
        await ctx.dovecot.append([raw]);
        break;
      } catch (err) {
        s.lastError = (err as Error).message;
        if (attempt > 10) return;
        await sleep(backoff(attempt));
      }
    }
    if (c > 0) s.repeats += 1;
  }
  s.acknowledged = true;
  s.acknowledgedAt = Date.now();
}

/**
 * A chat visitor like the widget: a session from the pre-chat form, then the complaint through an
 * unsent queue: sent on every connect under the same client message id until acknowledged.
 */
export async function submitLivechat(s: Submission, ctx: ClientContext): Promise<void> {
  const form = { name: `Khách hàng ${s.index}`, email: s.email, domain: `kh${s.index}.vn` };
  const session = await untilAcknowledged(
    s,
    ctx,
    (abortAfterMs) =>
      request(`${ctx.url}/api/v1/livechat/sessions`, { method: 'POST', json: form, ...(abortAfterMs ? { abortAfterMs } : {}) }),
    [201],
    false,
  );
  if (!session) return;
  const token = String(session.body.token);
  s.key = String(session.body.conversationId);
  const clientMessageId = randomUUID();
  const text = complaintText(s, ctx.random);
  const repeat = ctx.random() < ctx.repeatShare;
  const deadline = s.startedAt + ctx.giveUpMs;

  const sendOnce = (socket: Socket) =>
    socket
      .timeout(5000)
      .emitWithAck('message:send', { clientMessageId, text, attachmentIds: [] })
      .then(
        (ack: { ok: boolean; receipt?: { caseNumber: string }; error?: { retryable?: boolean; code?: string } }) => ack,
        () => undefined,
      );

  const socket = io(`${ctx.url}/livechat`, {
    auth: (cb) => cb({ token, lastSeq: 0 }),
    transports: ['websocket'],
    forceNew: true,
    reconnectionDelay: 200,
    reconnectionDelayMax: 1000,
    timeout: 5000,
  });
  let done = false;
  socket.on('connect_error', (err: Error & { data?: { code?: string } }) => {
    s.lastError = `connect_error ${err.data?.code ?? err.message}`;
    // A refusal by the server's middleware (e.g. it could not load the conversation while the
    // database was down) ends socket.io's own reconnection: the widget connects again itself.
    if (!socket.active && !done) setTimeout(() => done || socket.connect(), 500).unref();
  });
  try {
    let acks = 0;
    let waitingSince = Date.now();
    while (Date.now() < deadline && acks < (repeat ? 2 : 1)) {
      if (!socket.connected) {
        // socket.io's `timeout` covers the transport, not the namespace handshake: a connection
        // whose handshake is never answered (the gateway killed mid-way) waits forever. Start over.
        if (Date.now() - waitingSince > 10_000) {
          s.lastError = 'no handshake answer within 10 s';
          socket.disconnect().connect();
          waitingSince = Date.now();
        }
        await sleep(100);
        continue;
      }
      waitingSince = Date.now();
      s.sends += 1;
      const ack = await sendOnce(socket);
      if (ack?.ok) {
        acks += 1;
        acknowledge(s, ack.receipt?.caseNumber ?? 'pending');
        if (acks === 1 && repeat) {
          // The visitor reloads the page before seeing the acknowledgement: the widget sends the
          // unsent message again on the new connection.
          s.repeats += 1;
          socket.disconnect().connect();
        }
        continue;
      }
      s.lastError = ack ? String(ack.error?.code) : 'no acknowledgement';
      if (ack && ack.error?.retryable === false) return;
      await sleep(300);
    }
  } finally {
    done = true;
    socket.removeAllListeners();
    socket.disconnect();
  }
  // 'pending' stood for "acknowledged before the receipt": the case number comes from the check.
  s.caseNumbers.delete('pending');
}

/** A clerk: upload the scan, wait for it to be read, confirm it (each step retried). */
export async function submitPostal(s: Submission, ctx: ClientContext): Promise<void> {
  const text = complaintText(s, ctx.random);
  // A short page with the tag: a unique scan (the idempotency key is its SHA-256), quick to read.
  const png = await renderPage([`Thư khiếu nại ${s.tag}`], { dpi: 100, font: 'DejaVu Sans', heightInches: 1.2, seed: s.index });
  const form = () => {
    const fd = new FormData();
    fd.append('files', new Blob([new Uint8Array(png)], { type: 'image/png' }), `thu-${s.index}.png`);
    return fd;
  };
  const uploaded = await untilAcknowledged(
    s,
    ctx,
    (abortAfterMs) =>
      request(`${ctx.url}/api/v1/postal/letters`, {
        method: 'POST',
        token: ctx.clerkToken,
        body: form(),
        ...(abortAfterMs ? { abortAfterMs } : {}),
      }),
    [200, 201],
    false,
  );
  const letter = (uploaded?.body.letters as Array<{ id: string }> | undefined)?.[0];
  if (!letter) return;
  s.key = letter.id;
  const deadline = s.startedAt + ctx.giveUpMs;
  for (let attempt = 0; ; attempt++) {
    if (Date.now() > deadline) {
      s.lastError = 'the letter was never read';
      return;
    }
    const view = await request(`${ctx.url}/api/v1/postal/letters/${letter.id}`, { token: ctx.clerkToken });
    const status = view?.body.status;
    if (status === 'ocr_done' || status === 'ocr_failed' || status === 'confirmed') break;
    // A letter left `uploaded` (OCR not queued: Redis was down) is queued again by the same upload.
    if (status === 'uploaded' && attempt % 5 === 4)
      await request(`${ctx.url}/api/v1/postal/letters`, { method: 'POST', token: ctx.clerkToken, body: form() });
    await sleep(500);
  }
  const json = { text, subject: `Thư khiếu nại ${s.tag}`, fields: { senderName: `Khách hàng ${s.index}`, email: s.email } };
  const repeat = ctx.random() < ctx.repeatShare;
  const send = (abortAfterMs?: number) =>
    request(`${ctx.url}/api/v1/postal/letters/${letter.id}/confirm`, {
      method: 'POST',
      token: ctx.clerkToken,
      json,
      ...(abortAfterMs ? { abortAfterMs } : {}),
    });
  const confirmed = await untilAcknowledged(s, ctx, send, [200, 201], repeat);
  if (confirmed) acknowledge(s, confirmed.body.caseNumber);
}

export const SUBMIT: Record<Channel, (s: Submission, ctx: ClientContext) => Promise<void>> = {
  hotline: submitHotline,
  email: submitEmail,
  livechat: submitLivechat,
  postal: submitPostal,
};
