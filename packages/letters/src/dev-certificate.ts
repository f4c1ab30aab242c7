import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import forge from 'node-forge';

/** The common name of the development certificate: a letter signed with it says so to any reader. */
export const DEVELOPMENT_CERTIFICATE_NAME = 'DEVELOPMENT ONLY - not a company certificate';

/**
 * Outside production without a company certificate, letters are signed with a self-signed
 * development certificate generated once into `path` (no passphrase). Why sign rather than send
 * unsigned: the whole path (render, sign, store, attach, pdfsig) then runs in development and
 * demos exactly as in production, and the signature names itself "DEVELOPMENT ONLY", so no reader
 * mistakes it for the company's. Production refuses to start without LETTER_SIGNING_* (@cg/config).
 */
export function loadOrCreateDevelopmentCertificate(path: string): { p12: Buffer; passphrase: string } {
  try {
    return { p12: readFileSync(path), passphrase: '' };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const p12 = createDevelopmentP12();
  mkdirSync(dirname(path), { recursive: true });
  // Two processes may create it at once: each writes its own temporary file and renames; one wins whole.
  const tmp = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(tmp, p12, { mode: 0o600 });
  renameSync(tmp, path);
  return { p12: readFileSync(path), passphrase: '' };
}

function createDevelopmentP12(): Buffer {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const key = forge.pki.privateKeyFromPem(privateKey.export({ type: 'pkcs1', format: 'pem' }).toString());
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(publicKey.export({ type: 'spki', format: 'pem' }).toString());
  cert.serialNumber = `01${randomBytes(8).toString('hex')}`;
  cert.validity.notBefore = new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(Date.now() + 5 * 365 * 24 * 3600_000);
  const name = [
    { name: 'commonName', value: DEVELOPMENT_CERTIFICATE_NAME },
    { name: 'organizationName', value: 'complaint-gateway development' },
    { name: 'countryName', value: 'VN' },
  ];
  cert.setSubject(name);
  cert.setIssuer(name);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true },
  ]);
  cert.sign(key, forge.md.sha256.create());
  const asn1 = forge.pkcs12.toPkcs12Asn1(key, [cert], '', { algorithm: '3des' });
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}
