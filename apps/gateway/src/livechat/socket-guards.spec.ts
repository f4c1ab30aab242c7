import type { Socket } from 'socket.io';
import { compileTrustProxy } from '../http/trust-proxy';
import { clientAddress } from './socket-guards';

/** The parts of a socket.io socket clientAddress reads: the handshake and the underlying request. */
function socketFrom(peer: string, forwardedFor?: string): Socket {
  const headers = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {};
  return {
    handshake: { address: peer, headers },
    request: { headers, socket: { remoteAddress: peer }, connection: { remoteAddress: peer } },
  } as unknown as Socket;
}

describe('clientAddress: the same proxy trust as express (TRUST_PROXY through proxy-addr)', () => {
  it('walks X-Forwarded-For from the right, through trusted proxies only', () => {
    const trust = compileTrustProxy('loopback');
    // The proxy on loopback appended what it saw (10.0.0.5); "6.6.6.6" is whatever the client wrote.
    expect(clientAddress(socketFrom('127.0.0.1', '6.6.6.6, 10.0.0.5'), trust)).toBe('10.0.0.5');
    expect(clientAddress(socketFrom('127.0.0.1', '198.51.100.7'), trust)).toBe('198.51.100.7');
  });

  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    const trust = compileTrustProxy('loopback, uniquelocal');
    expect(clientAddress(socketFrom('203.0.113.9', '6.6.6.6'), trust)).toBe('203.0.113.9');
  });

  it('uses the peer address when no proxy is trusted', () => {
    expect(clientAddress(socketFrom('203.0.113.9', '6.6.6.6'), compileTrustProxy(undefined))).toBe('203.0.113.9');
  });

  it('accepts what express accepts: a hop count, names and CIDR ranges', () => {
    expect(clientAddress(socketFrom('10.1.2.3', '6.6.6.6, 198.51.100.7'), compileTrustProxy('1'))).toBe('198.51.100.7');
    expect(clientAddress(socketFrom('10.1.2.3', '6.6.6.6, 198.51.100.7'), compileTrustProxy('10.0.0.0/8'))).toBe('198.51.100.7');
  });
});
