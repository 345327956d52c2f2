import { randomBytes } from 'node:crypto';
import { get } from 'node:http';
import { AddressInfo, createServer } from 'node:net';
import { eventually, SEED_ARTICLE_ID, startSystem, System, tokenFor, verdictOn } from './support/system';

/** /metrics for operators, and the JSON request log (docs/decisions/0035). No timing is asserted. */

const METRICS_TOKEN = `metrics-${randomBytes(16).toString('hex')}`;
const SUBMIT_ROUTE = '/articles/:id/replies';

/** A sample's value from the Prometheus text format, or undefined when the series is absent. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries([...(match[2] ?? '').matchAll(/([a-zA-Z_]\w*)="((?:[^"\\]|\\.)*)"/g)].map((m) => [m[1], m[2]]));
    if (Object.entries(labels).every(([k, v]) => found[k] === v)) return Number(match[3]);
  }
  return undefined;
}

const labelValues = (text: string, name: string, label: string): string[] =>
  text
    .split('\n')
    .filter((line) => line.startsWith(`${name}{`))
    .map((line) => new RegExp(`${label}="([^"]*)"`).exec(line)?.[1])
    .filter((v): v is string => v !== undefined);

describe('with METRICS_TOKEN set', () => {
  let sys: System;
  const logs: string[] = [];
  const scrape = async () => (await sys.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200)).text;

  beforeAll(async () => {
    sys = await startSystem({ env: { METRICS_TOKEN }, logs });
  });
  afterAll(() => sys.stop());

  it('counts submissions under the route template, and the work they cause', async () => {
    const reader = `Bearer ${tokenFor(sys.config, 'reader', 'metrics-reader')}`;
    const first = await scrape();
    const before = sample(first, 'reply_section_http_request_duration_seconds_count', { method: 'POST', route: SUBMIT_ROUTE, status_class: '2xx' }) ?? 0;
    const insertsBefore = sample(first, 'reply_section_store_calls_total', { operation: 'insertOne' }) ?? 0;
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await sys.http.post(`/articles/${SEED_ARTICLE_ID}/replies`).set('Authorization', reader).send({ body: `Metrics reply ${i}` }).expect(202)).body.id);
    }
    for (const id of ids) await verdictOn(sys, id);

    const text = await scrape();
    expect(text).toContain('# TYPE reply_section_http_request_duration_seconds histogram');
    expect(sample(text, 'reply_section_http_request_duration_seconds_count', { method: 'POST', route: SUBMIT_ROUTE, status_class: '2xx' })).toBe(before + 3);
    expect(sample(text, 'reply_section_http_request_duration_seconds_count', { method: 'GET', route: '/replies/:id', status_class: '2xx' })).toBeGreaterThan(0);
    // Templates only: no id, no article slug, no query string becomes a label value.
    const routes = labelValues(text, 'reply_section_http_request_duration_seconds_count', 'route');
    for (const value of [...ids, SEED_ARTICLE_ID]) expect(routes.join(' ')).not.toContain(value);
    expect(routes.every((r) => r === 'unmatched' || !r.includes('?'))).toBe(true);

    // The worker runs in this process: its counters are on the same page.
    expect(sample(text, 'reply_section_sequencer_positions_total')).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'reply_section_screening_verdicts_total', { decision: 'publish' })).toBeGreaterThanOrEqual(3);
    expect(sample(text, 'reply_section_log_head_position')).toBeGreaterThanOrEqual(3);
    // Each submission and each verdict inserted its marker and its commit (one at a time here: no group to share a call with).
    expect(sample(text, 'reply_section_store_calls_total', { operation: 'insertOne' })! - insertsBefore).toBeGreaterThanOrEqual(12);
  });

  it('shows each consumer lag by position, down to 0 for the thread projector once settled', async () => {
    await eventually(async () => {
      const text = await scrape();
      const consumers = labelValues(text, 'reply_section_consumer_lag_positions', 'consumer');
      const thread = consumers.find((c) => /^thread@\d+$/.test(c));
      expect(thread).toBeDefined();
      expect(sample(text, 'reply_section_consumer_lag_positions', { consumer: thread! })).toBe(0);
      expect(sample(text, 'reply_section_consumer_parked_partitions', { consumer: thread! })).toBe(0);
      expect(sample(text, 'reply_section_metrics_source_up', { source: 'store' })).toBe(1);
    });
  });

  it('shows the depth of every queue by state', async () => {
    const text = await scrape();
    for (const queue of ['log', 'spam', 'moderation', 'admin']) {
      for (const state of ['waiting', 'active', 'delayed', 'failed']) {
        expect(sample(text, 'reply_section_queue_jobs', { queue, state })).toBeGreaterThanOrEqual(0);
      }
    }
    expect(sample(text, 'reply_section_metrics_source_up', { source: 'queues' })).toBe(1);
    // The process's own figures come too (memory for the flood runs).
    expect(sample(text, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    // The idle memory release is wired into this process (decision 0045; off in the tests' systems): its counter is on the page.
    expect(sample(text, 'reply_section_memory_releases_total')).toBeGreaterThanOrEqual(0);
  });

  it('answers 401 problem+json to anything but the metrics token, a signed-in admin included', async () => {
    const admin = `Bearer ${tokenFor(sys.config, 'admin', 'metrics-admin')}`;
    const attempts: (string | undefined)[] = [
      undefined,
      'Bearer wrong-token-of-some-length',
      `Bearer ${METRICS_TOKEN}x`,
      `Bearer ${METRICS_TOKEN.slice(0, -1)}`,
      `bearer  ${METRICS_TOKEN}`,
      `Basic ${Buffer.from(`x:${METRICS_TOKEN}`).toString('base64')}`,
      `Bearer ${METRICS_TOKEN} extra`,
      'Bearer',
      admin,
      `Bearer ${'a'.repeat(4000)}`,
    ];
    for (const authorization of attempts) {
      const req = sys.http.get('/metrics');
      if (authorization !== undefined) req.set('Authorization', authorization);
      const res = await req.expect(401);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ status: 401 });
      expect(res.text).not.toContain('reply_section_');
    }
    // Not from the query string, not from a proxy's say-so.
    await sys.http.get(`/metrics?token=${METRICS_TOKEN}`).expect(401);
    await sys.http.get('/metrics').set('X-Forwarded-For', '127.0.0.1').expect(401);
    await sys.http.post('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(404);
  });

  it('echoes a sane X-Request-Id and logs it with the request; replaces one that is not', async () => {
    const id = `req-${randomBytes(6).toString('hex')}`;
    const res = await sys.http.get(`/articles/${SEED_ARTICLE_ID}`).set('X-Request-Id', id).expect(200);
    expect(res.headers['x-request-id']).toBe(id);
    const line = await eventually(async () => {
      const found = logs.map((l) => JSON.parse(l)).find((l) => l.req?.id === id);
      expect(found).toBeDefined();
      return found;
    });
    expect(line).toMatchObject({ req: { id, method: 'GET', url: `/articles/${SEED_ARTICLE_ID}` }, res: { statusCode: 200 } });

    const generated = (await sys.http.get('/articles').expect(200)).headers['x-request-id'];
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    for (const hostile of ['has spaces in it', 'x'.repeat(65), '<script>', 'a"b']) {
      const answered = (await sys.http.get('/articles').set('X-Request-Id', hostile).expect(200)).headers['x-request-id'];
      expect(answered).toMatch(/^[0-9a-f-]{36}$/);
    }
    // Refusals carry one too, and a body the parser refuses before any route is logged with its id.
    expect((await sys.http.get('/metrics').expect(401)).headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    const badJson = `bad-json-${randomBytes(4).toString('hex')}`;
    const refused = await sys.http.post(`/articles/${SEED_ARTICLE_ID}/replies`).set('X-Request-Id', badJson).set('content-type', 'application/json').send('{"body": ');
    expect(refused.status).toBe(400);
    expect(refused.headers['x-request-id']).toBe(badJson);
    await eventually(async () => expect(logs.map((l) => JSON.parse(l)).find((l) => l.req?.id === badJson)).toMatchObject({ res: { statusCode: 400 } }));
  });

  it('never logs credentials, edit tokens, the user agent, the client address or the query string', async () => {
    const reader = tokenFor(sys.config, 'reader', 'log-reader');
    const userAgent = `agent-${randomBytes(6).toString('hex')}`;
    const editToken = `edit-${randomBytes(6).toString('hex')}`;
    const cursor = `cursor${randomBytes(6).toString('hex')}`;
    const marker = `logged-${randomBytes(4).toString('hex')}`;
    await sys.http.get(`/articles/${SEED_ARTICLE_ID}/replies/mine`).set('Authorization', `Bearer ${reader}`).set('User-Agent', userAgent).set('X-Request-Id', marker);
    await sys.http.get('/replies/does-not-exist').set('X-Edit-Token', editToken).set('Cookie', `session=${editToken}`);
    await sys.http.get(`/articles/${SEED_ARTICLE_ID}/replies?cursor=${cursor}`);
    await sys.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    await sys.http.get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}z`);
    await eventually(async () => expect(logs.some((l) => l.includes(marker))).toBe(true));
    const all = logs.join('\n');
    for (const secret of [reader, METRICS_TOKEN, userAgent, editToken, cursor]) expect(all).not.toContain(secret);
    for (const field of ['remoteAddress', 'remotePort', 'authorization', 'user-agent', 'x-edit-token', 'cookie']) expect(all.toLowerCase()).not.toContain(`"${field}"`);
    // Every line is one JSON object.
    for (const line of logs) expect(() => JSON.parse(line)).not.toThrow();
  });
});

describe('with METRICS_TOKEN unset', () => {
  let sys: System;
  let workerPort: number;

  beforeAll(async () => {
    workerPort = await freePort();
    sys = await startSystem({ env: { WORKER_METRICS_PORT: String(workerPort) } });
  });
  afterAll(() => sys.stop());

  it('serves a direct request from loopback only', async () => {
    const res = await sys.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toContain('reply_section_consumer_lag_positions');
    // A reverse proxy on the same host makes every public request come from loopback: refused.
    for (const [header, value] of [
      ['X-Forwarded-For', '203.0.113.9'],
      ['Forwarded', 'for=203.0.113.9'],
      ['X-Real-IP', '203.0.113.9'],
    ]) {
      const refused = await sys.http.get('/metrics').set(header, value).expect(403);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('lets a worker serve its own counters on WORKER_METRICS_PORT, under the same rule', async () => {
    const page = await fetchLocal(workerPort, '/metrics');
    expect(page.status).toBe(200);
    expect(page.body).toContain('reply_section_sequencer_positions_total');
    expect(page.body).toContain('reply_section_screening_verdicts_total');
    expect((await fetchLocal(workerPort, '/metrics', { 'x-forwarded-for': '203.0.113.9' })).status).toBe(403);
    const other = await fetchLocal(workerPort, '/health');
    expect(other.status).toBe(404);
    expect(other.type).toMatch(/^application\/problem\+json/);
  });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

function fetchLocal(port: number, path: string, headers: Record<string, string> = {}): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type'] ?? ''), body }));
    }).on('error', reject);
  });
}
