import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { isNonPublicAddress, type WebhookTargetPolicy } from '@cg/core';

/** The answer of a receiver: its status and the start of its body (for the delivery record). */
export interface WebhookHttpAnswer {
  status: number;
  bodyStart: string;
}

/** The target was refused by policy (a private address): retrying cannot help. */
export class WebhookTargetRefused extends Error {
  readonly code = 'WEBHOOK_TARGET_REFUSED';
}

const ANSWER_BYTES = 4096;

/**
 * Resolves like dns.lookup, then refuses when any address of the name is not public (the policy
 * of @cg/core webhook-target.ts), and connects to the addresses it checked: a name cannot be
 * switched to an inside address between the check and the connection (DNS rebinding).
 */
function guardedLookup(): LookupFunction {
  return (hostname, options, callback) => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses: LookupAddress[]) => {
      const cb = callback;
      if (err) return cb(err, '', 0);
      const inside = addresses.find((a) => isNonPublicAddress(a.address));
      if (inside || addresses.length === 0) {
        return cb(new WebhookTargetRefused(`${hostname} resolves to a non-public address (${inside?.address ?? 'none'}): refused`), '', 0);
      }
      if ((options as { all?: boolean }).all) return cb(null, addresses);
      cb(null, addresses[0]!.address, addresses[0]!.family);
    });
  };
}

/**
 * One POST of a delivery: no redirects followed (a 3xx is a failure), no connection reuse, the
 * whole call bounded by `timeoutMs` (connect, send, headers and the first 4 KB of the answer).
 */
export function postWebhook(
  url: URL,
  body: string,
  headers: Record<string, string>,
  opts: { timeoutMs: number; policy: WebhookTargetPolicy },
): Promise<WebhookHttpAnswer> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!opts.policy.allowPrivate && isIP(host) && isNonPublicAddress(host)) {
    return Promise.reject(new WebhookTargetRefused(`${host} is not a public address: refused`));
  }
  if (url.protocol !== 'https:' && !(opts.policy.allowHttp && url.protocol === 'http:')) {
    return Promise.reject(new WebhookTargetRefused(`${url.protocol} is not allowed here: https only`));
  }
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<WebhookHttpAnswer>((resolve, reject) => {
    let settled = false;
    const finish = (err: Error | null, answer?: WebhookHttpAnswer) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(answer!);
    };
    const req = client.request(
      url,
      {
        method: 'POST',
        agent: false,
        headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
        ...(opts.policy.allowPrivate ? {} : { lookup: guardedLookup() }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const done = () => {
          finish(null, { status: res.statusCode ?? 0, bodyStart: Buffer.concat(chunks).toString('utf8').slice(0, 500) });
          res.destroy();
        };
        res.on('data', (chunk: Buffer) => {
          if (size < ANSWER_BYTES) chunks.push(chunk.subarray(0, ANSWER_BYTES - size));
          size += chunk.length;
          if (size >= ANSWER_BYTES) done();
        });
        res.on('end', done);
        res.on('error', (err) => finish(err));
      },
    );
    const timer = setTimeout(() => {
      req.destroy(new Error(`no answer within ${opts.timeoutMs} ms`));
    }, opts.timeoutMs);
    req.on('error', (err) => finish(err));
    req.end(body);
  });
}
