/** Dates as staff read them: Vietnamese style, in Asia/Ho_Chi_Minh whatever the browser's zone. */
export const formatDateTime = (iso?: string): string =>
  iso ? new Date(iso).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : '';

export const formatTime = (iso?: string): string => {
  const d = iso ? new Date(iso) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d.toLocaleTimeString('vi-VN', { hour: '2-digit', minute: '2-digit' }) : '';
};

export const percent = (x: number): string => `${Math.round(x * 100)}%`;

/** A random id for a client-made message (the idempotency key the server dedupes on). */
export function newClientId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

/** A text field of a submitted form ('' when absent). */
export function formText(form: FormData, key: string): string {
  const value = form.get(key);
  return typeof value === 'string' ? value : '';
}

/** A string field of a loosely typed payload (message `data`), or ''. */
export const stringField = (value: unknown): string => (typeof value === 'string' ? value : '');
