import { readFileSync } from 'node:fs';
import { pdflibAddPlaceholder } from '@signpdf/placeholder-pdf-lib';
import { P12Signer } from '@signpdf/signer-p12';
import signpdf from '@signpdf/signpdf';
import { SUBFILTER_ADOBE_PKCS7_DETACHED } from '@signpdf/utils';
import forge from 'node-forge';
import { PDFDict, PDFDocument, PDFName } from 'pdf-lib';

export interface SignOptions {
  /** The company's certificate and private key (PKCS#12 / .p12 / .pfx). */
  p12: Buffer | Uint8Array;
  passphrase: string;
  /** Why it is signed, e.g. "Trả lời khiếu nại KN26-00042". */
  reason: string;
  /** Where, e.g. "Hà Nội". */
  location: string;
  /** The person who approved the letter (the supervisor); the certificate names the company. */
  signerName: string;
  contactInfo?: string;
  /** Default: now. */
  signingTime?: Date;
}

/** The certificate could not be read or the PDF could not be signed. */
export class LetterSigningError extends Error {
  override readonly name = 'LetterSigningError';
}

/**
 * Room for the CMS signature (bytes; written as twice as many hex digits). A 4096-bit key with a
 * three-certificate chain needs ~7 KB; the placeholder is padded with zeros.
 */
const SIGNATURE_LENGTH = 16_384;

/**
 * Signs a PDF (adbe.pkcs7.detached, SHA-256) with a PKCS#12 certificate: an invisible signature
 * field on the last page, the signer's name, reason and location in the signature dictionary.
 * The input must not be signed already (re-saving would break the earlier signature).
 */
export async function signPdf(pdf: Uint8Array, options: SignOptions): Promise<Buffer> {
  const missing = (['reason', 'location', 'signerName'] as const).filter((k) => !options[k]?.trim());
  if (!options.p12?.length) missing.unshift('p12' as never);
  if (missing.length) throw new LetterSigningError(`signPdf: missing ${missing.join(', ')}`);

  let signer: P12Signer;
  try {
    // The signer reads the PKCS#12 only when signing; read it now for a clear error before any work.
    const certificates = readP12Certificates(Buffer.from(options.p12), options.passphrase);
    signer = new NameKeepingP12Signer(Buffer.from(options.p12), certificates, { passphrase: options.passphrase });
  } catch (err) {
    throw new LetterSigningError(`signPdf: cannot read the PKCS#12 certificate (wrong passphrase or not a .p12 file): ${message(err)}`);
  }

  let doc: PDFDocument;
  try {
    doc = await PDFDocument.load(pdf);
  } catch (err) {
    throw new LetterSigningError(`signPdf: not a readable PDF: ${message(err)}`);
  }
  const acroForm = doc.catalog.lookupMaybe(PDFName.of('AcroForm'), PDFDict);
  if (acroForm?.has(PDFName.of('SigFlags'))) {
    throw new LetterSigningError('signPdf: the PDF is already signed');
  }

  const signingTime = options.signingTime ?? new Date();
  const pages = doc.getPages();
  pdflibAddPlaceholder({
    pdfDoc: doc,
    pdfPage: pages[pages.length - 1],
    reason: pdfTextLiteral(options.reason),
    contactInfo: pdfTextLiteral(options.contactInfo ?? ''),
    name: pdfTextLiteral(options.signerName),
    location: pdfTextLiteral(options.location),
    signingTime,
    signatureLength: SIGNATURE_LENGTH,
    subFilter: SUBFILTER_ADOBE_PKCS7_DETACHED,
    appName: '@cg/letters',
  });
  const withPlaceholder = await doc.save({ useObjectStreams: false });
  try {
    return await signpdf.sign(Buffer.from(withPlaceholder), signer, signingTime);
  } catch (err) {
    throw new LetterSigningError(`signPdf: signing failed: ${message(err)}`);
  }
}

/**
 * The certificate for `signPdf` from the environment's settings (see @cg/config
 * `loadLetterSigningConfig`): base64 in the variable itself, or a file path.
 */
export function readSigningCertificate(c: {
  LETTER_SIGNING_P12_BASE64?: string;
  LETTER_SIGNING_P12_PATH?: string;
  LETTER_SIGNING_PASSPHRASE?: string;
}): { p12: Buffer; passphrase: string } | undefined {
  const passphrase = c.LETTER_SIGNING_PASSPHRASE ?? '';
  if (c.LETTER_SIGNING_P12_BASE64) return { p12: Buffer.from(c.LETTER_SIGNING_P12_BASE64, 'base64'), passphrase };
  if (c.LETTER_SIGNING_P12_PATH) return { p12: readFileSync(c.LETTER_SIGNING_P12_PATH), passphrase };
  return undefined;
}

/**
 * pdf-lib's PDFString writes each UTF-16 code unit's low byte, which garbles Vietnamese names in
 * the signature dictionary. PDF text strings outside ASCII are UTF-16BE with a byte-order mark;
 * this returns that, as the escaped literal-string body PDFString writes as it is.
 */
export function pdfTextLiteral(value: string): string {
  const s = value.normalize('NFC');
  if (/^[\x20-\x7e]*$/.test(s)) return s.replace(/[()\\]/g, (c) => `\\${c}`);
  const bytes = [0xfe, 0xff];
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    bytes.push(unit >> 8, unit & 0xff);
  }
  return bytes.map((b) => `\\${b.toString(8).padStart(3, '0')}`).join('');
}

/** The certificates of a PKCS#12 (after checking it holds a private key too). */
function readP12Certificates(p12: Buffer, passphrase: string): forge.pki.Certificate[] {
  const parsed = forge.pkcs12.pkcs12FromAsn1(forge.asn1.fromDer(forge.util.createBuffer(p12.toString('binary'))), false, passphrase);
  const keyBag = forge.pki.oids.pkcs8ShroudedKeyBag ?? '1.2.840.113549.1.12.10.1.2';
  const certBag = forge.pki.oids.certBag ?? '1.2.840.113549.1.12.10.1.3';
  const keys = parsed.getBags({ bagType: keyBag })[keyBag] ?? [];
  const certs = (parsed.getBags({ bagType: certBag })[certBag] ?? []).flatMap((b) => (b.cert ? [b.cert] : []));
  if (!keys.length) throw new Error('no private key in the PKCS#12');
  if (!certs.length) throw new Error('no certificate in the PKCS#12');
  return certs;
}

/**
 * @signpdf/signer-p12 builds the CMS with node-forge, which writes the signer's issuer name anew
 * and encodes UTF8String names twice (forge reads the raw UTF-8 bytes, then UTF-8-encodes them
 * again). With a Vietnamese issuer (any CA that writes "Công ty …") the issuerAndSerialNumber
 * then names no certificate and verifiers (pdfsig) report "Unknown Validation Failure". The
 * signed attributes do not cover that field, so after signing we put the certificate's own
 * encoding of its issuer and serial number back; the signature stays what it was.
 */
class NameKeepingP12Signer extends P12Signer {
  constructor(
    p12: Buffer,
    private readonly certificates: forge.pki.Certificate[],
    options: { passphrase: string },
  ) {
    super(p12, options);
  }

  override async sign(pdfBuffer: Buffer, signingTime?: Date): Promise<Buffer> {
    const der = await super.sign(pdfBuffer, signingTime);
    return restoreIssuerEncodings(der, this.certificates);
  }
}

export function restoreIssuerEncodings(cmsDer: Buffer, certificates: forge.pki.Certificate[]): Buffer {
  const { asn1 } = forge;
  const contentInfo = asn1.fromDer(forge.util.createBuffer(cmsDer.toString('binary')));
  const signedData = children(children(contentInfo)[1])[0];
  const signerInfos = children(signedData).at(-1);
  const original = certificates.map((c) => {
    const tbs = children(c.tbsCertificate);
    const first = tbs[0];
    const i = first && first.tagClass === asn1.Class.CONTEXT_SPECIFIC ? 1 : 0; // [0] version is optional
    const serial = tbs[i];
    const issuer = tbs[i + 2];
    if (!serial || !issuer) throw new Error('unexpected certificate structure');
    return { serial, issuer };
  });
  for (const signerInfo of children(signerInfos)) {
    const issuerAndSerial = children(signerInfo)[1];
    const parts = children(issuerAndSerial);
    const serial = parts[1]?.value;
    const match = original.find((o) => o.serial.value === serial);
    if (!match || !issuerAndSerial) throw new Error('the signer certificate is not in the PKCS#12');
    issuerAndSerial.value = [match.issuer, match.serial];
  }
  return Buffer.from(asn1.toDer(contentInfo).getBytes(), 'binary');
}

function children(node: forge.asn1.Asn1 | undefined): forge.asn1.Asn1[] {
  if (!node || !Array.isArray(node.value)) throw new Error('unexpected CMS structure');
  return node.value;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
