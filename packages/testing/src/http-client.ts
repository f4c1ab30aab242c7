/** What a test request returns: the status, the parsed JSON body (or the text), headers and raw bytes. */
export interface TestResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- tests inspect arbitrary JSON
  headers: Headers;
  raw: Buffer;
}

export type TestRequestInit = RequestInit & { token?: string; json?: unknown };

/** fetch with a staff bearer token and a JSON body made for you; never throws on 4xx/5xx. */
export async function requestJson(baseUrl: string, path: string, init: TestRequestInit = {}): Promise<TestResponse> {
  const headers = new Headers(init.headers);
  if (init.token) headers.set('authorization', `Bearer ${init.token}`);
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('content-type', 'application/json');
    body = JSON.stringify(init.json);
  }
  const res = await fetch(baseUrl + path, { ...init, headers, body });
  const raw = Buffer.from(await res.arrayBuffer());
  let parsed: unknown = raw.toString('utf8');
  try {
    parsed = raw.length ? JSON.parse(raw.toString('utf8')) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed, headers: res.headers, raw };
}
