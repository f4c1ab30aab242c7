import { BlockList, isIP } from 'node:net';

/**
 * Where webhooks may go. Outside development and test: HTTPS only, and never to loopback,
 * private, link-local (cloud metadata at 169.254.169.254), shared (CGNAT), multicast or reserved
 * addresses — an admin's URL must not become a way to make our servers call into our own network
 * (SSRF). The URL is checked when it is registered (literal addresses and local names) and every
 * address a name resolves to is checked again when a delivery connects (a name can change, or be
 * made to resolve inwards: DNS rebinding), connecting to the address that was checked. An on-premises
 * CRM inside the company network is an explicit operator's choice: WEBHOOK_ALLOW_PRIVATE_TARGETS.
 * In development and test, plain http and loopback are allowed (the tests' receiver is on 127.0.0.1).
 */
export interface WebhookTargetPolicy {
  allowHttp: boolean;
  allowPrivate: boolean;
}

const nonPublic = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  nonPublic.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96], // NAT64: could reach any IPv4, private ones included
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  nonPublic.addSubnet(net, prefix, 'ipv6');

/** The IPv4 address inside an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, `::ffff:a00:1`), else null. */
function mappedIpv4(address: string): string | null {
  const m = /^::ffff:(.+)$/i.exec(address);
  if (!m) return null;
  if (isIP(m[1]!) === 4) return m[1]!;
  const hex = /^([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(m[1]!);
  if (!hex) return null;
  const hi = parseInt(hex[1]!, 16);
  const lo = parseInt(hex[2]!, 16);
  return `${hi >> 8}.${hi & 255}.${lo >> 8}.${lo & 255}`;
}

/** True for any address that is not a public unicast one (see WebhookTargetPolicy). */
export function isNonPublicAddress(address: string): boolean {
  const bare = address.replace(/^\[|\]$/g, '');
  const v4 = isIP(bare) === 4 ? bare : mappedIpv4(bare);
  if (v4) return nonPublic.check(v4, 'ipv4');
  if (isIP(bare) === 6) return nonPublic.check(bare, 'ipv6');
  return true; // not an address at all: never trusted as public
}

const LOCAL_NAMES = /(^|\.)(localhost|local|internal|localdomain|home\.arpa)$/i;

/** Checks a URL an admin registers; the reason names what to change. */
export function checkWebhookUrl(raw: string, policy: WebhookTargetPolicy): { ok: true; url: URL } | { ok: false; reason: string } {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: 'an absolute URL such as https://crm.example.com/hooks/complaints' };
  }
  if (url.protocol !== 'https:' && !(policy.allowHttp && url.protocol === 'http:')) {
    return { ok: false, reason: policy.allowHttp ? 'an http or https URL' : 'an https URL (plain http is refused outside development)' };
  }
  if (url.username || url.password) return { ok: false, reason: 'no user name or password in the URL (the signature authenticates us)' };
  if (url.hash) return { ok: false, reason: 'no #fragment' };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (!host) return { ok: false, reason: 'a host name' };
  if (!policy.allowPrivate) {
    if (isIP(host) ? isNonPublicAddress(host) : LOCAL_NAMES.test(host) || !host.includes('.')) {
      return { ok: false, reason: 'a public host: loopback, private and link-local addresses and local names are refused' };
    }
  }
  return { ok: true, url };
}
