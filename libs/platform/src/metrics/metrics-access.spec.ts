import { scrapeVerdict } from './metrics-access';

const TOKEN = 'a-metrics-token-0123456789';
const from = (socketAddress: string | undefined, headers: Record<string, string> = {}) => ({ socketAddress, headers });

describe('who may read /metrics', () => {
  it('with a token: exactly its bearer, from anywhere', () => {
    expect(scrapeVerdict(TOKEN, from('203.0.113.9', { authorization: `Bearer ${TOKEN}` }))).toEqual({ allowed: true });
    expect(scrapeVerdict(TOKEN, from('203.0.113.9', { authorization: `bearer ${TOKEN}` }))).toEqual({ allowed: true });
    for (const authorization of [undefined, `Bearer ${TOKEN}x`, `Bearer ${TOKEN.slice(1)}`, `Basic ${TOKEN}`, `Bearer  ${TOKEN}`, `Bearer ${TOKEN} x`, 'Bearer ', `Bearer ${'x'.repeat(600)}`]) {
      const headers: Record<string, string> = authorization === undefined ? {} : { authorization };
      expect(scrapeVerdict(TOKEN, from('127.0.0.1', headers))).toMatchObject({ allowed: false, status: 401 });
    }
  });

  it('without a token: direct requests from loopback only', () => {
    for (const address of ['127.0.0.1', '127.1.2.3', '::1', '::ffff:127.0.0.1']) expect(scrapeVerdict('', from(address))).toEqual({ allowed: true });
    for (const address of ['10.0.0.1', '::ffff:10.0.0.1', '203.0.113.9', 'fe80::1', '::', undefined, '127.0.0.1.evil']) {
      expect(scrapeVerdict('', from(address))).toMatchObject({ allowed: false, status: 403 });
    }
  });

  it('without a token: a proxied request is not local, whatever the socket says', () => {
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip', 'x-forwarded-host']) {
      expect(scrapeVerdict('', from('127.0.0.1', { [header]: '127.0.0.1' }))).toMatchObject({ allowed: false, status: 403 });
    }
  });
});
