import { AddressInfo, connect } from 'node:net';
import { startSystem, System } from './support/system';

let sys: System;
let port: number;

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  const server = sys.app.getHttpServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => sys.stop());

/** Sends raw bytes and reads the whole answer, as a client whose request Node refuses sees it. */
function raw(request: string): Promise<{ status: number; headers: Record<string, string>; body: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (c) => chunks.push(c));
    socket.on('error', reject);
    socket.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const [head, ...rest] = text.split('\r\n\r\n');
      const [statusLine, ...lines] = head.split('\r\n');
      const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
      resolve({ status: Number(statusLine.split(' ')[1]), headers, body: rest.join('\r\n\r\n') });
    });
    socket.write(request);
  });
}

describe("requests Node's HTTP parser refuses answer problem+json", () => {
  it.each([
    ['20 KB of headers', 431, `GET /articles HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`],
    ['a garbage request line', 400, 'HELLO THERE\r\n\r\n'],
    ['Content-Length with Transfer-Encoding', 400, 'POST /articles HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
    ['a Content-Length that is not a number', 400, 'POST /articles HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n'],
    ['a control character in a header', 400, 'GET /articles HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0001b\r\n\r\n'],
  ])('%s: %i', async (_, status, request) => {
    const res = await raw(request);
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toBe('application/problem+json');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.body)));
    expect(JSON.parse(res.body)).toMatchObject({ status, title: expect.any(String), detail: expect.any(String) });
  });

  it('the server still answers afterwards', async () => {
    const res = await raw('GET /articles HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(res.status).toBe(200);
  });
});

describe('security headers', () => {
  const expectHardened = (headers: Record<string, string>) => {
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['x-frame-options']).toBe('SAMEORIGIN');
    expect(headers['referrer-policy']).toBe('no-referrer');
    expect(headers['strict-transport-security']).toMatch(/max-age=\d+/);
    expect(headers['x-powered-by']).toBeUndefined();
  };

  it('on JSON answers, with a CSP that allows nothing', async () => {
    const res = await sys.http.get('/articles').expect(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expectHardened(res.headers);
    expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
  });

  it('on problem+json errors: from a handler, from the body parser, from routing', async () => {
    for (const res of [
      await sys.http.get('/articles/no-such-article').expect(404),
      await sys.http.post('/articles').set('Content-Type', 'application/json').send('{"broken'),
      await sys.http.get('/no/such/route').expect(404),
    ]) {
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expectHardened(res.headers);
      expect(res.headers['content-security-policy']).toContain("default-src 'none'");
    }
  });

  it('the article page at / gets a CSP allowing only its own files, and no inline script', async () => {
    // No worker here, so no article view: the page says so (404), under the same headers
    // (test/browser-seed-page.e2e-spec.ts checks the article itself).
    const page = await sys.http.get('/').expect(404);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectHardened(page.headers);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
  });

  it('the moderator console at /moderation gets the same page CSP; its script and styles are ours, never cross-origin', async () => {
    const page = await sys.http.get('/moderation').expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectHardened(page.headers);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    // The console's API calls keep the JSON answers' CSP; its files get no CORS, even for a listed embed origin.
    expect((await sys.http.get('/moderation/queues')).headers['content-security-policy']).not.toContain("script-src 'self'");
    for (const path of ['/console.js', '/console.css']) {
      const res = await sys.http.get(path).set('Origin', 'https://news.example.com').expect(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
  });

  it('with EMBED_ORIGINS unset, no other origin gets CORS or a cross-origin resource policy', async () => {
    for (const path of ['/embed.js', '/articles']) {
      const res = await sys.http.get(path).set('Origin', 'https://news.example.com').expect(200);
      expect(res.headers['access-control-allow-origin']).toBeUndefined();
      expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
    const preflight = await sys.http.options('/articles').set('Origin', 'https://news.example.com').set('Access-Control-Request-Method', 'POST');
    expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('/docs gets a CSP its Swagger UI works under: own scripts only, no inline script', async () => {
    const page = await sys.http.get('/docs/').redirects(2).expect(200);
    expect(page.headers['content-type']).toMatch(/^text\/html/);
    expectHardened(page.headers);
    const csp = page.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain("'unsafe-eval'");
    // Every script the page runs is a file from /docs, which script-src 'self' allows.
    expect(page.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const scripts = [...page.text.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) {
      expect(src).not.toMatch(/^(https?:)?\/\//);
      await sys.http.get(new URL(src, 'http://x/docs/').pathname).expect(200);
    }
    await sys.http.get('/docs-json').expect(200);
  });
});
