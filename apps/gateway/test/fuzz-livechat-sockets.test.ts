import fc from 'fast-check';
import { io, type Socket } from 'socket.io-client';
import { LIVECHAT_ERROR_CODES, LIVECHAT_EVENTS, LIVECHAT_NAMESPACES } from '@cg/contracts';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';

/**
 * Property-based fuzzing of the livechat socket events (issue 11), by the client-facing event
 * names of @cg/contracts: a visitor on /livechat and an agent on /livechat-staff send every event
 * (and unknown ones) with arbitrary payloads — any JSON, binary, several arguments, with or
 * without an acknowledgement, valid payloads with hostile text. The server answers an
 * acknowledged event with `{ ok: true, … }` or `{ ok: false, error }` (an error code of the
 * protocol, never "storage unavailable" while the database is up), ignores the rest, keeps the
 * connection and keeps its connection count; nothing crashes.
 */
/** FUZZ_SCALE=<k> (npm run fuzz: 10) runs k times as many cases. */
const SCALE = Number(process.env.FUZZ_SCALE) || 1;
const RUNS = 60 * SCALE;

/** The events a client may send, by namespace (LIVECHAT_EVENTS' client → server part, and typing). */
const VISITOR_EVENTS = [LIVECHAT_EVENTS.send, LIVECHAT_EVENTS.requestSync, LIVECHAT_EVENTS.requestTranscript, LIVECHAT_EVENTS.end];
const STAFF_EVENTS = [LIVECHAT_EVENTS.listConversations, LIVECHAT_EVENTS.openConversation, LIVECHAT_EVENTS.send, LIVECHAT_EVENTS.end];
/** Handled but never acknowledged (volatile signals), and events nobody handles. */
const SIGNALS = [LIVECHAT_EVENTS.typing, 'connect', 'disconnect', 'error', '__proto__', 'constructor', 'message', 'x'.repeat(300)];

const POLLUTING = ['__proto__', 'constructor', 'prototype'];
const text = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.string({ unit: 'grapheme', maxLength: 100 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', 'Xin chào 😀', '\u202e', '<script>alert(1)</script>', 'x'.repeat(6000)),
);
const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    fc.constantFrom(null, true, false, 0, -1, 1.5, Number.MAX_SAFE_INTEGER, 2 ** 53 + 2),
    text,
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 10 }), fc.constantFrom(...POLLUTING)), tie('v'), { maxKeys: 4 }),
  ),
})).v;
const uuid = fc.uuid();
const hex24 = fc.stringMatching(/^[0-9a-f]{24}$/);

/** Payloads close to valid (the right fields, values of any kind), so the handlers behind the schemas run. */
function nearlyValid(conversationId: string): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.record(
      {
        clientMessageId: fc.oneof(uuid, text),
        text,
        attachmentIds: fc.oneof(fc.array(hex24, { maxLength: 3 }), anyJson),
        conversationId: fc.oneof(fc.constant(conversationId), hex24, text),
      },
      { requiredKeys: [] },
    ),
    fc.record({ afterSeq: fc.oneof(fc.integer({ min: -5, max: 1000 }), fc.double(), text) }, { requiredKeys: [] }),
    fc.record({ conversationId: fc.oneof(fc.constant(conversationId), hex24) }),
    fc.record({ isTyping: fc.oneof(fc.boolean(), anyJson), conversationId: fc.constant(conversationId) }, { requiredKeys: [] }),
  );
}

const POOL = 6;

/** Whether `conversation:end` with this payload is valid (and would end the chat before the fuzzing is over). */
function endsTheConversation(payload: unknown, conversationId: string): boolean {
  if (payload === undefined || payload === null) return true;
  if (typeof payload !== 'object' || Array.isArray(payload) || Buffer.isBuffer(payload)) return false;
  const keys = Object.keys(payload);
  return keys.length === 0 || (keys.length === 1 && (payload as { conversationId?: unknown }).conversationId === conversationId);
}

/**
 * A payload the event's schema accepts (with hostile text), or none. Ending the conversation is
 * left to the last test: an ended conversation refuses everything after it.
 */
function validPayload(side: 'visitor' | 'agent', event: string, conversationId: string): fc.Arbitrary<unknown> | undefined {
  const message = fc.record({ clientMessageId: uuid, text });
  if (side === 'visitor') {
    if (event === LIVECHAT_EVENTS.send)
      return fc.oneof(
        message,
        message.map((m) => ({ ...m, attachmentIds: [] })),
      );
    if (event === LIVECHAT_EVENTS.requestSync) return fc.record({ afterSeq: fc.nat(1000) });
    if (event === LIVECHAT_EVENTS.requestTranscript) return fc.constant({});
    return undefined;
  }
  if (event === LIVECHAT_EVENTS.listConversations) return fc.constant({});
  if (event === LIVECHAT_EVENTS.openConversation) return fc.constant({ conversationId });
  if (event === LIVECHAT_EVENTS.send) return message.map((m) => ({ ...m, conversationId }));
  return undefined;
}

type Emission = { event: string; args: unknown[]; ack: boolean };

describe('fuzzing the livechat socket events: an acknowledgement or silence, never a crash', () => {
  let stack: TestStack;
  /** Several connections per side, used in turn: each has its own event bucket (5 events a second). */
  let visitors: Socket[];
  let agents: Socket[];
  let conversationId: string;
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);

  const connect = (namespace: string, auth: Record<string, unknown>) =>
    io(`${stack.url}${namespace}`, { auth, transports: ['websocket'], forceNew: true, reconnection: false });

  beforeAll(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    stack = await startTestStack({
      worker: false,
      // The per-connection event bucket stays as configured: a flood answered rate_limited is a fine answer.
      env: { LIVECHAT_MESSAGES_PER_MINUTE_PER_VISITOR: '100000', LIVECHAT_MESSAGES_PER_MINUTE_PER_IP: '100000' },
    });
    const session = await stack.api('/api/v1/livechat/sessions', { method: 'POST', json: { name: 'Lan', email: 'lan@example.vn' } });
    expect(session.status).toBe(201);
    conversationId = session.body.conversationId as string;
    const agentToken = await stack.tokenFor('cs_agent');
    visitors = Array.from({ length: POOL }, () =>
      connect(LIVECHAT_NAMESPACES.visitor, { token: session.body.token as string, lastSeq: 0 }),
    );
    agents = Array.from({ length: POOL }, () => connect(LIVECHAT_NAMESPACES.staff, { token: agentToken }));
    await waitFor('the sockets to connect', () => [...visitors, ...agents].every((s) => s.connected));
  }, 60_000);
  afterAll(async () => {
    for (const s of [...(visitors ?? []), ...(agents ?? [])]) s.disconnect();
    await stack.close();
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  });

  /** Sockets the server holds in a namespace. */
  const serverSockets = (namespace: string) => stack.gateway!.livechat.io!.of(namespace).sockets.size;

  async function emit(socket: Socket, e: Emission): Promise<unknown> {
    if (!e.ack) {
      socket.emit(e.event, ...e.args);
      return undefined;
    }
    return socket.timeout(10_000).emitWithAck(e.event, ...e.args);
  }

  /** Checks one acknowledgement: the protocol's shape and codes; a storage error while the database is up is a bug. */
  function checkAck(e: Emission, answer: unknown): void {
    expect(answer).toEqual(expect.objectContaining({ ok: expect.any(Boolean) }));
    const a = answer as { ok: boolean; error?: { code: string; message: string; retryable: boolean } };
    if (!a.ok) {
      expect(LIVECHAT_ERROR_CODES).toContain(a.error?.code);
      expect(typeof a.error?.message).toBe('string');
      if (a.error?.code === 'storage_unavailable' || a.error?.code === 'internal_error') {
        throw new Error(`${e.event} ${JSON.stringify(e.args).slice(0, 300)} → ${JSON.stringify(a.error)} while the database is up`);
      }
    }
  }

  for (const side of ['visitor', 'agent'] as const) {
    it(
      `${side}: every client event with arbitrary payloads`,
      async () => {
        const pool = side === 'visitor' ? visitors : agents;
        let turn = 0;
        const namespace = side === 'visitor' ? LIVECHAT_NAMESPACES.visitor : LIVECHAT_NAMESPACES.staff;
        const events = side === 'visitor' ? VISITOR_EVENTS : STAFF_EVENTS;
        const answered = new Map<string, number>();
        const argsFor = (event: string): fc.Arbitrary<unknown[]> => {
          const valid = validPayload(side, event, conversationId);
          const args = fc.oneof(
            { weight: valid ? 4 : 0, arbitrary: fc.tuple(valid ?? fc.constant({})) },
            { weight: 2, arbitrary: fc.tuple(nearlyValid(conversationId)) },
            {
              weight: 1,
              arbitrary: fc.tuple(
                anyJson.filter((v) => v !== null && v !== undefined && !(typeof v === 'object' && !Object.keys(v).length)),
              ),
            },
            { weight: 1, arbitrary: fc.tuple(fc.uint8Array({ maxLength: 64 }).map((b) => Buffer.from(b))) },
            {
              weight: 1,
              arbitrary: fc.array(anyJson, { minLength: 2, maxLength: 3 }).filter((a) => a[0] !== null && typeof a[0] !== 'object'),
            },
          );
          return event === LIVECHAT_EVENTS.end ? args.filter((a) => !endsTheConversation(a[0], conversationId)) : args;
        };
        const emission: fc.Arbitrary<Emission> = fc.oneof(
          {
            weight: 4,
            arbitrary: fc
              .constantFrom(...events)
              .chain((event) => fc.record({ event: fc.constant(event), args: argsFor(event), ack: fc.boolean() })),
          },
          {
            weight: 1,
            arbitrary: fc.record({
              event: fc.constantFrom(...SIGNALS),
              args: fc.array(anyJson, { maxLength: 2 }),
              ack: fc.constant(false),
            }),
          },
        );
        await fc.assert(
          fc.asyncProperty(emission, async (e) => {
            const socket = pool[turn++ % pool.length]!;
            let answer: unknown;
            for (let attempt = 0; ; attempt++) {
              try {
                answer = await emit(socket, e);
              } catch (err) {
                // Reserved names ('connect', 'disconnect'…) are refused by the client library itself.
                if (/is a reserved event name/.test(String(err))) return;
                throw err;
              }
              // The connection's event bucket is empty: wait as told and send the same again.
              const error = (answer as { error?: { code: string; retryAfterMs?: number } } | undefined)?.error;
              if (error?.code !== 'rate_limited' || attempt >= 5) break;
              await new Promise((r) => setTimeout(r, error.retryAfterMs ?? 1000));
            }
            if (e.ack) {
              checkAck(e, answer);
              const key = (answer as { ok: boolean }).ok ? 'ok' : (answer as { error: { code: string } }).error.code;
              answered.set(key, (answered.get(key) ?? 0) + 1);
            }
            // Still connected and still answering (a sync as the visitor, the list as the agent).
            const probe =
              side === 'visitor'
                ? { event: LIVECHAT_EVENTS.requestSync, args: [{ afterSeq: 0 }] }
                : { event: LIVECHAT_EVENTS.listConversations, args: [{}] };
            const pong = (await socket.timeout(10_000).emitWithAck(probe.event, ...probe.args)) as {
              ok: boolean;
              error?: { code: string };
            };
            expect(pong.ok || pong.error?.code === 'rate_limited').toBe(true);
            expect(socket.connected).toBe(true);
            expect(serverSockets(namespace)).toBe(POOL);
            expect(crashes).toEqual([]);
          }),
          { numRuns: RUNS },
        );
        console.info(side, JSON.stringify(Object.fromEntries(answered)));
        expect(answered.size).toBeGreaterThan(0);
      },
      300_000 * SCALE,
    );
  }

  /** One acknowledged event, sent again while the connection's event bucket is empty. */
  async function request(
    socket: Socket,
    event: string,
    payload: unknown,
  ): Promise<{ ok: boolean; error?: { code: string; retryAfterMs?: number } }> {
    for (let attempt = 0; ; attempt++) {
      const answer = (await socket.timeout(10_000).emitWithAck(event, payload)) as {
        ok: boolean;
        error?: { code: string; retryAfterMs?: number };
      };
      if (answer.error?.code !== 'rate_limited' || attempt >= 5) return answer;
      await new Promise((r) => setTimeout(r, answer.error!.retryAfterMs ?? 1000));
    }
  }

  it('a message with U+0000 in its text is stored or refused, never left to retry (FerretDB cannot store U+0000)', async () => {
    const answer = await request(visitors[2]!, LIVECHAT_EVENTS.send, { clientMessageId: crypto.randomUUID(), text: 'lỗi\u0000 500' });
    expect(answer.ok ? 'ok' : answer.error?.code).toMatch(/^(ok|invalid_payload|conversation_ended)$/);
  });

  it('ending the conversation twice, from both sides, answers and leaves the connections up', async () => {
    const ended = await request(agents[0]!, LIVECHAT_EVENTS.end, { conversationId });
    expect(ended.ok || ended.error?.code === 'conversation_ended').toBe(true);
    const again = await request(visitors[0]!, LIVECHAT_EVENTS.end, {});
    expect(again.ok || again.error?.code === 'conversation_ended').toBe(true);
    const send = await request(visitors[1]!, LIVECHAT_EVENTS.send, { clientMessageId: crypto.randomUUID(), text: 'còn đó không?' });
    expect(send.ok ? 'ok' : send.error?.code).toBe('conversation_ended');
    expect(serverSockets(LIVECHAT_NAMESPACES.visitor)).toBe(POOL);
    expect(crashes).toEqual([]);
  });
});
