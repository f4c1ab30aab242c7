import { createHash, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { z } from 'zod';
import { DEFAULT_DEPARTMENTS, STAFF_ROLES, type StaffRole } from '@cg/contracts';
import { hasPermission } from '@cg/core';
import { startTestStack, waitFor, type TestStack } from '@cg/testing';
import type { ApiRouteDoc } from '../src/http/api-doc';
import { appRoutes, openApiPath, pathParams, type AppRoute } from '../src/http/route-inventory';

/**
 * Property-based fuzzing of every HTTP route (issue 11). The routes come from the express router
 * of the real app (route-inventory), so a new route is fuzzed by construction. Each request is
 * sent as one of the staff roles, a livechat visitor or nobody, with arbitrary path parameters,
 * query strings and bodies: wrong types, huge and unicode strings, prototype-pollution keys, deep
 * nesting, malformed JSON and wrong media types; and bodies and queries valid by the schemas of
 * the OpenAPI document (generated from the routes' zod schemas) with hostile text spliced in, so
 * the handlers behind validation are fuzzed too. Whatever comes in:
 * - the answer is never a 5xx (and the gateway keeps answering);
 * - a 4xx is an application/problem+json document;
 * - a 4xx wrote nothing: every collection of the stack's database is the same before and after.
 *
 * By default three requests per route (`npm test` stays short); FUZZ_SCALE=<k> (`npm run fuzz`:
 * 10) runs k times as many.
 */
const SCALE = Number(process.env.FUZZ_SCALE) || 1;
const RUNS = 3 * SCALE;

const DEPT = DEFAULT_DEPARTMENTS[1]; // hosting: where the hotline case below is routed

type Principal = { name: string; role?: StaffRole; headers: Record<string, string> };

/** The keys of a zod object schema (the fields a route documents), else none. */
function keysOf(schema: unknown): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

function bodySchemaOf(doc: ApiRouteDoc | undefined): { json?: z.ZodType; contentType?: string } {
  const body = doc?.body;
  if (!body) return {};
  if (body instanceof z.ZodType) return { json: body };
  return { contentType: body.contentType, ...(body.schema ? { json: body.schema } : {}) };
}

/** A page: its documented answer is HTML. */
function servesHtml(route: AppRoute): boolean {
  return Object.values(route.doc?.responses ?? {}).some((r) => typeof r === 'object' && r.contentType === 'text/html');
}

// ---------------------------------------------------------------------------------------------
// Arbitraries

const POLLUTING_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'];

/** Strings people and attackers type: unicode (Vietnamese, emoji, RTL, NUL), huge, plausible values. */
const nastyString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'Nguyễn Thị Lan',
    '\u202etxt.exe',
    '😀😀😀',
    '../../etc/passwd',
    '%00',
    '<script>alert(1)</script>',
    "' OR 1=1 --",
    '{"$gt":""}',
    '$where',
    'KN26-00001',
    'kn99-99999',
    'a@b.vn',
    '2026-02-30',
    '9999-12-31T23:59:59Z',
    'NaN',
    '-1',
    '1e309',
    'true',
    'null',
    ...POLLUTING_KEYS,
  ),
  fc.integer({ min: 1000, max: 20_000 }).map((n) => 'x'.repeat(n)),
);

/** JSON values of any type, objects sometimes with the prototype-polluting keys. */
const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom(null, true, false, 0, -1, 1.5, 2 ** 53, -(2 ** 31), 1e308),
    nastyString,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...POLLUTING_KEYS)), tie('value'), { maxKeys: 5 }),
  ),
})).value;

/** An object with the route's documented fields (and some others) holding values of any type. */
const shapedObject = (keys: string[]) =>
  fc.dictionary(
    fc.oneof(
      { weight: 4, arbitrary: keys.length ? fc.constantFrom(...keys) : fc.string({ maxLength: 10 }) },
      { weight: 1, arbitrary: fc.constantFrom(...POLLUTING_KEYS) },
      { weight: 1, arbitrary: fc.string({ maxLength: 10 }) },
    ),
    anyJson,
    { maxKeys: Math.max(3, keys.length + 2) },
  );

type RawBody = { contentType?: string; body?: string | Uint8Array };

const json = (value: unknown): RawBody => ({ contentType: 'application/json', body: JSON.stringify(value) });

/** Bodies JSON.stringify cannot make: own __proto__ keys, deep nesting, broken syntax, too large. */
const hostileJsonText = fc.oneof(
  fc.constantFrom(
    '{"__proto__":{"isAdmin":true,"role":"admin","department":"billing"}}',
    '{"constructor":{"prototype":{"polluted":"yes"}}}',
    '{"text":"a","__proto__":{"text":"b"},"caller":{"__proto__":{"phone":"x"}}}',
    '{',
    '{"a":}',
    '[1,2,',
    'null',
    '"just a string"',
    '12',
    '\u0000',
    '{"a":"\ud800"}',
    '\ufeff{}',
  ),
  fc.integer({ min: 50, max: 20_000 }).map((depth) => '['.repeat(depth) + ']'.repeat(depth)),
  fc.integer({ min: 50, max: 5_000 }).map((depth) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth)),
  // Just under and above the 256 kB JSON limit.
  fc.constantFrom(250_000, 300_000).map((n) => JSON.stringify({ text: 'ă'.repeat(n / 2) })),
);

const randomBytes = fc.uint8Array({ maxLength: 2048 });

/** A multipart/form-data body: random parts (names, file names, types, bytes), sometimes malformed. */
const multipart = fc
  .tuple(
    fc.array(
      fc.record({
        name: fc.oneof(fc.constantFrom('files', 'file', 'text', '__proto__', ''), fc.string({ maxLength: 8 })),
        fileName: fc.option(
          fc.oneof(fc.constantFrom('scan.pdf', 'a.png', '../../x.txt', 'ư.jpg', 'note.txt'), fc.string({ maxLength: 20 })),
        ),
        type: fc.constantFrom('application/pdf', 'image/png', 'image/jpeg', 'text/plain', 'application/octet-stream'),
        content: fc.oneof(
          randomBytes,
          fc.constantFrom('%PDF-1.7\n', '\x89PNG\r\n\x1a\n', '\xff\xd8\xff\xe0', 'II*\x00', 'hello').map((s) => Buffer.from(s, 'latin1')),
        ),
      }),
      { maxLength: 4 },
    ),
    fc.boolean(),
  )
  .map(([parts, truncate]): RawBody => {
    const boundary = `fuzz${randomUUID()}`;
    const chunks: Buffer[] = [];
    for (const p of parts) {
      const disposition = `form-data; name="${p.name.replace(/["\r\n]/g, '')}"${p.fileName === null ? '' : `; filename="${p.fileName.replace(/["\r\n]/g, '')}"`}`;
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${p.type}\r\n\r\n`, 'utf8'));
      chunks.push(Buffer.from(p.content), Buffer.from('\r\n'));
    }
    if (!truncate) chunks.push(Buffer.from(`--${boundary}--\r\n`));
    return { contentType: `multipart/form-data; boundary=${boundary}`, body: Buffer.concat(chunks) };
  });

/** A JSON schema of the OpenAPI document (generated from the routes' zod schemas). */
type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
};

/** A string that might break what comes after validation: U+0000, unicode, markup, operators. */
const sneaky = fc.constantFrom('\u0000', 'ư\u0301', '😀', '\u202e', '<b>', '$gt', '{"$ne":1}', '\r\n', '%00', '\\');

/**
 * Values valid by the schema (so requests get past validation into the handlers), now and then
 * with a sneaky string spliced into a text field: what validation lets through must not break
 * what follows it.
 */
function validBySchema(schema: JsonSchema | undefined, depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 6) return anyJson;
  if (schema.const !== undefined) return fc.constant(schema.const);
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives?.length) return fc.oneof(...alternatives.map((s) => validBySchema(s, depth + 1)));
  if (schema.allOf?.length) return validBySchema(schema.allOf[0], depth + 1);
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (types.length > 1) return fc.oneof(...types.map((type) => validBySchema({ ...schema, type }, depth + 1)));
  switch (types[0]) {
    case 'null':
      return fc.constant(null);
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: Math.max(schema.minimum ?? -1000, -1e9), max: Math.min(schema.maximum ?? 1000, 1e9) });
    case 'number':
      return fc.double({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000, noNaN: true });
    case 'array':
      return fc.array(validBySchema(schema.items, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 3, 3),
      });
    case 'object': {
      const props = schema.properties ?? {};
      const record: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [k, s] of Object.entries(props)) record[k] = validBySchema(s, depth + 1);
      return fc.record(record, { requiredKeys: (schema.required ?? []).filter((k) => k in props) });
    }
    case 'string':
      return validString(schema);
    default:
      return anyJson;
  }
}

function validString(schema: JsonSchema): fc.Arbitrary<string> {
  const min = schema.minLength ?? 0;
  const max = Math.min(schema.maxLength ?? 60, Math.max(min, 60));
  if (schema.format === 'email') return fc.emailAddress().filter((e) => e.length <= (schema.maxLength ?? 254));
  if (schema.format === 'date-time')
    return fc.date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true }).map((d) => d.toISOString());
  if (schema.format === 'date')
    return fc
      .date({ min: new Date('2025-01-01'), max: new Date('2027-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
  if (schema.pattern) {
    try {
      return fc.stringMatching(new RegExp(schema.pattern)).filter((v) => v.length >= min && v.length <= (schema.maxLength ?? Infinity));
    } catch {
      return fc.string({ minLength: min, maxLength: max });
    }
  }
  const text = fc.oneof(fc.string({ minLength: min, maxLength: max }), fc.string({ unit: 'grapheme', minLength: min, maxLength: max }));
  return fc.oneof(
    { weight: 4, arbitrary: text },
    {
      weight: 1,
      arbitrary: fc.tuple(text, sneaky).map(([t, x]) => {
        const v = `${t}${x}`.padEnd(min, 'a');
        return schema.maxLength !== undefined && v.length > schema.maxLength ? v.slice(-schema.maxLength) : v;
      }),
    },
  );
}

type OpenApiOperation = {
  parameters?: Array<{ name: string; in: string; schema?: JsonSchema }>;
  requestBody?: { content?: Record<string, { schema?: JsonSchema }> };
};

function bodyArb(route: AppRoute, op: OpenApiOperation | undefined): fc.Arbitrary<RawBody> {
  if (route.method === 'GET' || route.method === 'HEAD') return fc.constant({});
  const { json: schema, contentType } = bodySchemaOf(route.doc);
  const documented = op?.requestBody?.content?.['application/json']?.schema;
  const options: fc.Arbitrary<RawBody>[] = [
    fc.constant({}),
    shapedObject(keysOf(schema)).map(json),
    // Valid bodies, three times as often when there is a schema: the handlers behind validation get fuzzed too.
    ...(documented ? [1, 2, 3].map(() => validBySchema(documented).map(json)) : []),
    anyJson.map(json),
    hostileJsonText.map((body): RawBody => ({ contentType: 'application/json', body })),
    fc
      .tuple(
        fc.constantFrom('text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/json; charset=latin1'),
        fc.string(),
      )
      .map(([type, body]): RawBody => ({ contentType: type, body })),
    randomBytes.map((body): RawBody => ({ contentType: 'application/octet-stream', body })),
  ];
  if (contentType?.startsWith('multipart/')) options.push(multipart, multipart, multipart);
  if (contentType === 'application/octet-stream') options.push(randomBytes.map((body): RawBody => ({ contentType, body })));
  return fc.oneof(...options);
}

/** A query string: the route's documented keys and others, values of any shape, repeated keys, bad escapes. */
function queryArb(route: AppRoute, op: OpenApiOperation | undefined): fc.Arbitrary<string> {
  const keys = keysOf(route.doc?.query);
  const documented = (op?.parameters ?? []).filter((p) => p.in === 'query');
  const validPairs = fc
    .tuple(
      ...documented.map((p) =>
        fc.option(validBySchema(p.schema).map((v) => `${encodeURIComponent(p.name)}=${encodeURIComponent(String(v))}`)),
      ),
      fc.constant(null),
    )
    .map((pairs) => pairs.filter((x) => x !== null).join('&'));
  const key = fc.oneof(
    { weight: 4, arbitrary: keys.length ? fc.constantFrom(...keys) : fc.string({ maxLength: 8 }) },
    { weight: 1, arbitrary: fc.constantFrom(...POLLUTING_KEYS, 'a[b]', 'a[]', '__proto__[x]') },
  );
  const value = fc.oneof(
    nastyString.map((s) => s.slice(0, 3000)),
    fc.constantFrom('1', '0', '-5', '1000000', 'true', 'open', 'hosting'),
  );
  const pair = fc.tuple(key, value).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant('') },
    { weight: 4, arbitrary: fc.array(pair, { maxLength: 6 }).map((pairs) => pairs.join('&')) },
    { weight: documented.length ? 4 : 0, arbitrary: validPairs },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz=1', 'a=%E0%A4%A', '&&&=&', 'q=%00', 'cursor=%FF%FE') },
  );
}

// ---------------------------------------------------------------------------------------------

describe('fuzzing every HTTP route: no 5xx, problem documents, nothing written on a 4xx', () => {
  let stack: TestStack;
  let principals: Principal[];
  let caseNumber: string;
  let openApi: { paths: Record<string, Record<string, OpenApiOperation>> };
  /** Well-formed values of path parameters that point at real records, so requests get past the lookups. */
  const known: Record<string, string[]> = {};
  /** Errors thrown outside any request's promise chain (an 'error' event nobody listens to): a crashed gateway in production. */
  const crashes: unknown[] = [];
  const onCrash = (err: unknown) => crashes.push(err);

  /** A digest of every document of every collection (the stack's database is small and its own). */
  async function databaseState(): Promise<Map<string, string>> {
    const db = stack.db.connection.db!;
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name);
    const digests = await Promise.all(
      names.map(async (name) => {
        const docs = await db.collection(name).find({}).sort({ _id: 1 }).toArray();
        return [name, createHash('sha256').update(JSON.stringify(docs)).digest('hex')] as const;
      }),
    );
    return new Map(digests);
  }

  const changedCollections = (before: Map<string, string>, after: Map<string, string>): string[] =>
    [...new Set([...before.keys(), ...after.keys()])].filter((name) => before.get(name) !== after.get(name));

  function paramArb(name: string): fc.Arbitrary<string> {
    const raw = nastyString.map((s) => encodeURIComponent(s.slice(0, 2000)) || '%20');
    const good = known[name] ?? [];
    return fc.oneof(
      { weight: good.length ? 3 : 0, arbitrary: good.length ? fc.constantFrom(...good) : fc.constant('x') },
      { weight: 2, arbitrary: raw },
      { weight: 1, arbitrary: fc.constantFrom('%', '%E0%A4%A', '..', '%2e%2e', '%2F', '__proto__', 'constructor') },
    );
  }

  beforeAll(async () => {
    process.on('uncaughtException', onCrash);
    process.on('unhandledRejection', onCrash);
    stack = await startTestStack({
      env: { LOGIN_RATE_LIMIT_PER_MINUTE: '100000', LIVECHAT_SESSIONS_PER_HOUR_PER_IP: '100000' },
    });
    const tokens = {} as Record<StaffRole, string>;
    for (const role of STAFF_ROLES) tokens[role] = await stack.tokenFor(role, role === 'department_staff' ? DEPT : undefined);

    // One real case (through the hotline and the worker), a livechat conversation, and an account
    // the fuzzer may change (never one whose token it uses).
    const call = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: tokens.hotline_operator,
      json: {
        caller: { name: 'Trần Bình', phone: '0911000111' },
        notes: 'Hosting báo lỗi 500, website không vào được.',
        callId: randomUUID(),
      },
    });
    expect(call.status).toBe(202);
    caseNumber = call.body.caseNumber as string;
    await waitFor(
      `case ${caseNumber}`,
      async () => (await stack.api(`/api/v1/cases/${caseNumber}`, { token: tokens.admin })).status === 200,
    );
    const session = await stack.api('/api/v1/livechat/sessions', { method: 'POST', json: { name: 'Lan', email: 'lan@example.vn' } });
    expect(session.status).toBe(201);
    const spare = await stack.api('/api/v1/admin/staff', {
      method: 'POST',
      token: tokens.admin,
      json: { email: 'fuzz.target@test.local', name: 'Fuzz target', role: 'cs_agent' },
    });
    expect(spare.status).toBe(201);
    // From here on the database changes only through the requests below (no jobs in the background).
    await stack.workers!.close();

    Object.assign(known, {
      caseNumber: [caseNumber, caseNumber.toLowerCase()],
      conversationId: [session.body.conversationId as string],
      id: [spare.body.account.id as string, '0'.repeat(24)],
      department: [DEPT, 'billing'],
      page: ['1', '0', '99'],
      table: ['volume', 'breaches'],
      asset: ['index.js', 'index.css'],
      screen: ['cases', 'admin'],
      code: ['hardware'],
    });
    const doc = await fetch(`${stack.url}/api/v1/openapi.json`);
    openApi = (await doc.json()) as typeof openApi;
    const bearer = (t: string) => ({ authorization: `Bearer ${t}` });
    principals = [
      ...STAFF_ROLES.map((role) => ({ name: role, role, headers: bearer(tokens[role]) })),
      { name: 'visitor', headers: bearer(session.body.token as string) },
      { name: 'nobody', headers: {} },
    ];
  }, 120_000);
  afterAll(async () => {
    await stack.close();
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  });

  it('a multipart body cut inside a file is a 400 problem, not a crash (found by this fuzzer)', async () => {
    const token = await stack.tokenFor('admin');
    for (const path of ['/api/v1/postal/letters', `/api/v1/cases/${caseNumber}/notes/attachments`]) {
      const res = await fetch(`${stack.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=cut' },
        body: '--cut\r\nContent-Disposition: form-data; name="files"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.7 and then nothing',
      });
      expect(res.status).toBe(400);
      expect(((await res.json()) as { type: string }).type).toBe('urn:complaint-gateway:problem:malformed_multipart');
    }
    await new Promise((r) => setImmediate(r));
    expect(crashes).toEqual([]);
  });

  it('U+0000 in a field is a 400 naming it (found by this fuzzer: FerretDB cannot store it, the call was accepted and its case never written)', async () => {
    const res = await stack.api('/api/v1/hotline/calls', {
      method: 'POST',
      token: await stack.tokenFor('hotline_operator'),
      json: { caller: { name: 'Trần\u0000 Bình', phone: '0911000111' }, notes: 'Hosting lỗi\u0000 500.', callId: randomUUID() },
    });
    expect(res.status).toBe(400);
    expect((res.body as { errors: Array<{ field: string; code: string }> }).errors).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ field: 'caller.name', code: 'nul_character' }),
        expect.objectContaining({ field: 'notes', code: 'nul_character' }),
      ]),
    );
  });

  it(
    `every route of the express router: ${RUNS} arbitrary requests each, as every role`,
    async () => {
      const routes = appRoutes(stack.gateway!.app);
      expect(routes.length).toBeGreaterThan(80);
      const failures: string[] = [];
      const statuses = new Map<number, number>();
      let requests = 0;
      let snapshots = 0;
      const started = Date.now();

      // Whether a request wrote something is told by comparing database states. A state is taken
      // after a request that may write (a non-GET success: the new reference). Requests that must
      // write nothing (every refusal, GET successes) are collected (`unchecked`) and compared in one
      // go: before a request that might succeed and write (so they are never blamed on it), once 8
      // of them got past the routes' guards, and at the end. A change names every request of the
      // group. (401/403 refusals never reach a handler: they alone do not call for a comparison.)
      let reference = await databaseState();
      let unchecked: string[] = [];
      /** How many of the unchecked requests got past their route's guard (a handler ran). */
      let handled = 0;
      const compare = async (): Promise<string | undefined> => {
        const state = await databaseState();
        snapshots++;
        const changed = changedCollections(reference, state);
        const blamed = unchecked;
        reference = state;
        unchecked = [];
        handled = 0;
        return changed.length ? `${changed.join(', ')} changed after requests that must write nothing: ${blamed.join(' | ')}` : undefined;
      };
      // The comparison can fail: a document written behind its back is seen.
      await stack.db.connection.db!.collection('fuzz_canary').insertOne({ at: new Date() });
      unchecked.push('(canary)');
      expect(await compare()).toMatch(/^fuzz_canary changed after requests that must write nothing: \(canary\)$/);

      const mightPass = (p: Principal, route: AppRoute) =>
        !route.permission || (p.role !== undefined && hasPermission(p.role, route.permission));

      for (const route of routes) {
        const names = pathParams(route.path);
        const reads = route.method === 'GET' || route.method === 'HEAD';
        const op = openApi.paths[openApiPath(route.path)]?.[route.method.toLowerCase()];
        const request = fc.record({
          // Mostly someone the route's guard lets in (the handler runs), else anyone.
          principal: fc.oneof(
            { weight: 3, arbitrary: fc.constantFrom(...principals.filter((p) => mightPass(p, route))) },
            { weight: 1, arbitrary: fc.constantFrom(...principals) },
          ),
          params: fc.tuple(...names.map(paramArb), fc.constant('')),
          query: queryArb(route, op),
          body: bodyArb(route, op),
        });
        const result = await fc.check(
          fc.asyncProperty(request, async ({ principal, params, query, body }) => {
            let path = route.path.replace(/\{\/\*(\w+)\}/g, '/:$1');
            names.forEach((name, i) => (path = path.replace(`:${name}`, params[i]!)));
            const url = `${stack.url}${path}${query ? `?${query}` : ''}`;
            if (!reads && handled && mightPass(principal, route)) {
              const wrote = await compare();
              if (wrote) throw new Error(wrote);
            }
            const res = await fetch(url, {
              method: route.method,
              headers: {
                origin: stack.url,
                accept: 'application/json',
                ...principal.headers,
                ...(body.contentType ? { 'content-type': body.contentType } : {}),
              },
              ...(body.body !== undefined ? { body: body.body } : {}),
              redirect: 'manual',
            });
            const text = await res.text();
            requests++;
            statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
            const what = `${principal.name} ${route.method} ${url.slice(stack.url.length, 300)} [${body.contentType ?? 'no body'} ${String(body.body ?? '').slice(0, 80)}] → ${res.status}`;
            if (res.status >= 500) throw new Error(`${what}: ${text.slice(0, 300)}`);
            const type = res.headers.get('content-type') ?? '';
            // Pages (the survey link's page says the link's status as its HTTP status) answer in HTML.
            if (res.status >= 400 && !type.startsWith('application/problem+json') && !(servesHtml(route) && type.startsWith('text/html'))) {
              throw new Error(`${what} without a problem document (${type})`);
            }
            if (crashes.length) throw new Error(`${what}: the process crashed: ${String(crashes[0])}`);
            if (res.status < 400 && !reads) {
              // May have written: the new reference (nothing unchecked before it, see above).
              reference = await databaseState();
              snapshots++;
              unchecked = [];
              handled = 0;
              return;
            }
            unchecked.push(what);
            if (res.status !== 401 && res.status !== 403) handled++;
          }),
          { numRuns: RUNS, endOnFailure: true },
        );
        const wrote = handled >= 8 || (result.failed && unchecked.length) ? await compare() : undefined;
        if (wrote && !result.failed) failures.push(wrote);
        if (result.failed) {
          const error = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
          failures.push(`${route.method} ${route.path}: ${error} (seed ${result.seed}, path ${result.counterexamplePath})`);
        }
      }
      const wrote = unchecked.length ? await compare() : undefined;
      if (wrote) failures.push(wrote);
      console.info(
        `fuzz-http: ${routes.length} routes, ${requests} requests in ${Date.now() - started} ms, ${snapshots} database states; ` +
          `statuses ${JSON.stringify(Object.fromEntries(statuses))}`,
      );
      // The gateway still answers after everything it was sent.
      const health = await fetch(`${stack.url}/healthz`);
      await health.arrayBuffer();
      expect(health.status).toBe(200);
      expect(failures).toEqual([]);
      expect(crashes).toEqual([]);
      expect(requests).toBe(routes.length * RUNS);
    },
    600_000 * SCALE,
  );
});
