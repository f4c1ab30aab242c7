import { newClientId } from '../form-kit/format';

/**
 * One `Idempotency-Key` per user action. An action is a request that changes something (POST,
 * PUT, PATCH), told apart by its method, path and body: the key is made when it is first sent and
 * kept while it goes unanswered (the network failed, the server answered 5xx, 408 or 429), so the
 * person's retry of the same action — pressing the button again — carries the same key and the
 * server makes it once (an extension, a note, a callback outcome, a reply). Once the server has
 * answered it (2xx or another 4xx) the key is forgotten: the same form sent again later is a new
 * action with a new key.
 */
export class ActionKeys {
  private readonly pending = new Map<string, string>();

  constructor(private readonly maxPending = 200) {}

  /** The key of this action: the one of its unanswered earlier attempt, or a new one. */
  keyFor(method: string, path: string, body: string): string {
    const action = `${method} ${path}\n${body}`;
    let key = this.pending.get(action);
    if (!key) {
      key = newClientId();
      // Actions never retried would pile up: the oldest go first.
      if (this.pending.size >= this.maxPending) this.pending.delete(this.pending.keys().next().value!);
      this.pending.set(action, key);
    }
    return key;
  }

  /** The server answered the attempt: keep the key only if the answer asks for a retry. */
  answered(method: string, path: string, body: string, status: number): void {
    if (status >= 500 || status === 408 || status === 429) return;
    this.pending.delete(`${method} ${path}\n${body}`);
  }
}

/** Methods whose requests are user actions (GET, HEAD and DELETE are idempotent already). */
export const isAction = (method: string): boolean => ['POST', 'PUT', 'PATCH'].includes(method.toUpperCase());
