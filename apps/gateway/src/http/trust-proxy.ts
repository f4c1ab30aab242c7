import proxyaddr from 'proxy-addr';

/** Whether the address at hop `i` (0 = the socket's peer) is a proxy we trust. */
export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * TRUST_PROXY compiled the way express compiles its `trust proxy` setting, so HTTP (`req.ip`) and
 * the sockets see the same client address: unset trusts nobody; a number trusts that many hops;
 * anything else is proxy-addr's comma-separated list of addresses, CIDR ranges and names
 * (`loopback`, `linklocal`, `uniquelocal`).
 */
export function compileTrustProxy(setting: string | undefined): TrustProxy {
  const value = setting?.trim();
  if (!value) return () => false;
  if (value === 'true') return () => true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return proxyaddr.compile(value.split(',').map((v) => v.trim()));
}
