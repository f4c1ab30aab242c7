import { ConfigError } from './env';
import { loadLetterSigningConfig } from './letter-signing-config';

describe('loadLetterSigningConfig', () => {
  it('takes the certificate as base64 or as a path, and a passphrase', () => {
    expect(loadLetterSigningConfig({ LETTER_SIGNING_P12_BASE64: 'MIIK', LETTER_SIGNING_PASSPHRASE: 'bí mật' })).toMatchObject({
      LETTER_SIGNING_P12_BASE64: 'MIIK',
      LETTER_SIGNING_PASSPHRASE: 'bí mật',
    });
    expect(loadLetterSigningConfig({ LETTER_SIGNING_P12_PATH: '/run/secrets/company.p12' })).toMatchObject({
      LETTER_SIGNING_P12_PATH: '/run/secrets/company.p12',
      LETTER_SIGNING_PASSPHRASE: '',
    });
  });

  it('is optional outside production, required in production', () => {
    expect(loadLetterSigningConfig({}).LETTER_SIGNING_P12_BASE64).toBeUndefined();
    expect(() => loadLetterSigningConfig({ NODE_ENV: 'production' })).toThrow(
      /LETTER_SIGNING_P12_BASE64: required when NODE_ENV=production/,
    );
  });

  it('refuses both at once, and what is not base64', () => {
    expect(() => loadLetterSigningConfig({ LETTER_SIGNING_P12_BASE64: 'MIIK', LETTER_SIGNING_P12_PATH: '/x.p12' })).toThrow(ConfigError);
    expect(() => loadLetterSigningConfig({ LETTER_SIGNING_P12_BASE64: 'not base64!' })).toThrow(/base64 of a \.p12 file/);
  });
});
