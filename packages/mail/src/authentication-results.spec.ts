import { readAuthenticationResults } from './authentication-results';

describe('readAuthenticationResults', () => {
  const from = 'lan@customer.example';

  it('no header: unknown, not a failure', () => {
    expect(readAuthenticationResults(undefined, from)).toEqual({ spf: 'unknown', dkim: 'unknown', dmarc: 'unknown', verdict: 'unknown' });
    expect(readAuthenticationResults('mx.tenten.test; none', from).verdict).toBe('unknown');
  });

  it('DMARC decides when present (comments with ; and = inside are ignored)', () => {
    const pass = readAuthenticationResults(
      'mx.tenten.test; spf=pass (sender SPF authorized; x=y) smtp.mailfrom=customer.example; dkim=pass header.d=customer.example header.s=s1; dmarc=pass (p=reject) header.from=customer.example',
      from,
    );
    expect(pass).toEqual({ authservId: 'mx.tenten.test', spf: 'pass', dkim: 'pass', dmarc: 'pass', verdict: 'pass' });
    const fail = readAuthenticationResults(
      'mx.tenten.test;\r\n spf=softfail smtp.mailfrom=evil.example;\r\n dkim=none;\r\n dmarc=fail (p=none dis=none) header.from=customer.example',
      from,
    );
    expect(fail).toMatchObject({ spf: 'softfail', dkim: 'none', dmarc: 'fail', verdict: 'fail' });
  });

  it('without DMARC: an aligned SPF or DKIM pass passes; a failure with nothing aligned fails', () => {
    expect(readAuthenticationResults('mx; dkim=pass header.d=mail.customer.example', from).verdict).toBe('pass');
    // Passing for another domain proves nothing about the From address.
    expect(readAuthenticationResults('mx; spf=pass smtp.mailfrom=bounce@evil.example', from).verdict).toBe('unknown');
    expect(readAuthenticationResults('mx; spf=fail smtp.mailfrom=customer.example; dkim=none', from).verdict).toBe('fail');
    expect(
      readAuthenticationResults('mx; spf=fail smtp.mailfrom=x@customer.example; dkim=pass header.d=customer.example', from).verdict,
    ).toBe('pass');
    expect(readAuthenticationResults('mx; spf=neutral smtp.mailfrom=customer.example', from).verdict).toBe('unknown');
  });

  it('several DKIM signatures: a passing one wins; versions and odd casing are read', () => {
    const r = readAuthenticationResults('mx 1; DKIM=fail header.d=other.example; dkim/1=PASS header.i=@customer.example', from);
    expect(r).toMatchObject({ authservId: 'mx', dkim: 'pass', verdict: 'pass' });
  });
});
