import { smtpTransportOptions } from './mailer';

describe('smtpTransportOptions', () => {
  const base = { SMTP_TIMEOUT_MS: 5000 };

  it('requires STARTTLS for a relay that is not on loopback (credentials and mail never cross a network in clear)', () => {
    expect(smtpTransportOptions({ ...base, SMTP_URL: 'smtp://user:pa%40ss@relay.example.vn:587' })).toMatchObject({
      host: 'relay.example.vn',
      port: 587,
      secure: false,
      requireTLS: true,
      auth: { user: 'user', pass: 'pa@ss' },
    });
    expect(smtpTransportOptions({ ...base, SMTP_URL: 'smtp://10.0.0.25:25' })).toMatchObject({ requireTLS: true });
  });

  it('uses implicit TLS for smtps://, and allows plain SMTP on loopback only', () => {
    expect(smtpTransportOptions({ ...base, SMTP_URL: 'smtps://relay.example.vn' })).toMatchObject({ port: 465, secure: true });
    expect(smtpTransportOptions({ ...base, SMTP_URL: 'smtp://127.0.0.1:2525' })).toMatchObject({ secure: false, requireTLS: false });
    expect(smtpTransportOptions({ ...base, SMTP_URL: 'smtp://localhost:2525' })).toMatchObject({ requireTLS: false });
    expect(smtpTransportOptions({ ...base, SMTP_URL: 'smtp://[::1]:2525' })).toMatchObject({ requireTLS: false });
  });
});
