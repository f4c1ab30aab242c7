import { loadGatewayConfig } from './gateway-config';

describe('loadGatewayConfig', () => {
  it('lets only the gateway itself frame the chat unless LIVECHAT_EMBED_ORIGINS names the sites (never any site by default)', () => {
    expect(loadGatewayConfig({}).LIVECHAT_EMBED_ORIGINS).toBe('');
    expect(loadGatewayConfig({ LIVECHAT_EMBED_ORIGINS: 'https://tenten.vn https://www.tenten.vn' }).LIVECHAT_EMBED_ORIGINS).toBe(
      'https://tenten.vn https://www.tenten.vn',
    );
  });
});
