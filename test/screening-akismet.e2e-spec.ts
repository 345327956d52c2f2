import { Reply, ReplyEvent, ReplyScreened } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { NetworkData } from '@app/platform';
import { SpamProcessor } from '@app/screening';
import { randomBytes, randomUUID } from 'node:crypto';
import { FakeAkismet } from './support/fake-akismet';
import { freePort } from './support/own-server';
import { SEED_ARTICLE_ID, startSystem, System, verdictOn } from './support/system';

const A = SEED_ARTICLE_ID;
const unique = (label: string) => `${label} ${randomBytes(6).toString('hex')}`;
const THOUGHTFUL = 'The council should publish the figures for every ward before the vote, so readers can judge the plan for themselves.';
const AKISMET_ON = { AKISMET_KEY: 'fakekey123', AKISMET_SITE: 'https://news.example.com/', AKISMET_RATE_PER_SECOND: '50' };

/** A guest's submission from a browser behind our proxy, each from its own address and browser. */
async function submit(sys: System, body: string) {
  const network = { address: `203.0.113.${1 + (randomBytes(1)[0] % 254)}`, userAgent: `Mozilla/5.0 (AkismetTest ${randomUUID()}) Firefox/140.0` };
  const res = await sys.http
    .post(`/articles/${A}/replies`)
    .set('X-Forwarded-For', network.address)
    .set('User-Agent', network.userAgent)
    .send({ body, author: { name: 'Dana', email: 'dana@example.org' } })
    .expect(202);
  return { id: res.body.id as string, ...network };
}

/** The verdict event on the reply's first version, decrypted as the store gives it back. */
async function verdictEvent(sys: System, replyId: string): Promise<ReplyScreened['data']> {
  await verdictOn(sys, replyId);
  const { events } = await sys.app.get<EventStore>(EVENT_STORE).load<ReplyEvent>(Reply.streamId(replyId));
  const screened = events.map((e) => e.event).find((e): e is ReplyScreened => e.type === 'reply.screened');
  if (!screened) throw new Error(`no verdict on ${replyId}`);
  return screened.data;
}

const codes = (v: { reasons: { code: string }[] }) => v.reasons.map((r) => r.code);

describe('screening with Akismet on (a fake Akismet server)', () => {
  const akismet = new FakeAkismet();
  let sys: System;

  beforeAll(async () => {
    await akismet.start();
    sys = await startSystem({ env: { TRUST_PROXY: 'loopback', ...AKISMET_ON, AKISMET_URL: akismet.url } });
  });
  afterAll(async () => {
    await sys.stop();
    await akismet.stop();
  });
  beforeEach(() => (akismet.mode = 'answer'));

  it('holds a reply Akismet calls spam, naming Akismet as the reason', async () => {
    const r = await submit(sys, unique(`${THOUGHTFUL} ${FakeAkismet.SPAM_MARKER}`));
    const verdict = await verdictEvent(sys, r.id);
    expect(verdict).toMatchObject({ decision: 'hold', status: 'pending' });
    expect(codes(verdict)).toContain('akismet-spam');
    expect(verdict.features.akismet).toBe(true);
    expect((await verdictOn(sys, r.id)).status).toBe('pending');
  });

  it("publishes a reply Akismet calls not spam, recording Akismet's answer", async () => {
    const body = unique(THOUGHTFUL);
    const r = await submit(sys, body);
    const verdict = await verdictEvent(sys, r.id);
    expect(verdict).toMatchObject({ decision: 'publish', status: 'published' });
    expect(verdict.features.akismet).toBe(false);
    expect(akismet.checksOf(body)).toHaveLength(1);
  });

  it('sends Akismet the address and user agent from the job, and no stored document or event holds them', async () => {
    const body = unique(THOUGHTFUL);
    const r = await submit(sys, body);
    await verdictEvent(sys, r.id);
    expect(akismet.checksOf(body)).toEqual([
      expect.objectContaining({ user_ip: r.address, user_agent: r.userAgent, comment_content: body, comment_author: 'Dana', comment_type: 'comment', blog: 'https://news.example.com/', api_key: 'fakekey123' }),
    ]);
    const { events } = await sys.app.get<EventStore>(EVENT_STORE).load<ReplyEvent>(Reply.streamId(r.id));
    const decrypted = JSON.stringify(events);
    expect(decrypted).toContain(body); // the events were read whole
    expect(decrypted).not.toContain(r.address);
    expect(decrypted).not.toContain(r.userAgent);
    let documents = 0;
    for (const { name } of await sys.db.listCollections().toArray()) {
      for (const doc of await sys.db.collection(name).find({}).toArray()) {
        documents += 1;
        const text = JSON.stringify(doc);
        expect({ name, address: text.includes(r.address), userAgent: text.includes(r.userAgent) }).toEqual({ name, address: false, userAgent: false });
      }
    }
    expect(documents).toBeGreaterThan(3);
  });

  it('gives a verdict without Akismet when it answers 500', async () => {
    akismet.mode = 'fail';
    const body = unique(`${THOUGHTFUL} ${FakeAkismet.SPAM_MARKER}`);
    const r = await submit(sys, body);
    const verdict = await verdictEvent(sys, r.id);
    expect(akismet.checksOf(body).length).toBeGreaterThan(0); // it was asked
    expect(verdict).toMatchObject({ decision: 'publish', status: 'published' });
    expect(verdict.features.akismet).toBeNull();
    expect(codes(verdict)).not.toContain('akismet-spam');
  });

  it('does not ask Akismet about a reply whose network data is gone', async () => {
    const processor = sys.app.get(SpamProcessor);
    await processor.worker.pause();
    const body = unique(`${THOUGHTFUL} ${FakeAkismet.SPAM_MARKER}`);
    try {
      const r = await submit(sys, body);
      expect(await sys.app.get(NetworkData).forget([`${Reply.streamId(r.id)}:1`])).toBe(1);
      processor.worker.resume();
      const verdict = await verdictEvent(sys, r.id);
      expect(verdict.features.akismet).toBeNull();
      expect(verdict.decision).toBe('publish');
      expect(akismet.checksOf(body)).toEqual([]);
    } finally {
      processor.worker.resume();
    }
  });

  it("runs the spam worker behind BullMQ's rate limiter", () => {
    expect(sys.app.get(SpamProcessor).worker.opts).toMatchObject({ concurrency: 4, limiter: { max: 50, duration: 1_000 } });
  });
});

describe('screening with Akismet down', () => {
  let sys: System;

  beforeAll(async () => {
    sys = await startSystem({ env: { TRUST_PROXY: 'loopback', ...AKISMET_ON, AKISMET_URL: `http://127.0.0.1:${await freePort()}` } });
  });
  afterAll(() => sys.stop());

  it('still gives every reply its verdict, without Akismet', async () => {
    const r = await submit(sys, unique(`${THOUGHTFUL} ${FakeAkismet.SPAM_MARKER}`));
    const verdict = await verdictEvent(sys, r.id);
    expect(verdict).toMatchObject({ decision: 'publish', status: 'published' });
    expect(verdict.features.akismet).toBeNull();
  });
});

describe('screening without an Akismet key (the default)', () => {
  const akismet = new FakeAkismet();
  let sys: System;

  beforeAll(async () => {
    await akismet.start();
    // Everything but the key: without it Akismet is off, wherever AKISMET_URL points.
    sys = await startSystem({ env: { TRUST_PROXY: 'loopback', AKISMET_SITE: 'https://news.example.com/', AKISMET_URL: akismet.url } });
  });
  afterAll(async () => {
    await sys.stop();
    await akismet.stop();
  });

  it('never calls Akismet, and scores as before', async () => {
    const r = await submit(sys, unique(`${THOUGHTFUL} ${FakeAkismet.SPAM_MARKER}`));
    const verdict = await verdictEvent(sys, r.id);
    expect(verdict).toMatchObject({ decision: 'publish', status: 'published' });
    expect(verdict.features.akismet).toBeNull();
    expect(akismet.checks).toEqual([]);
  });

  it('runs the spam worker without a rate limiter', () => {
    expect(sys.app.get(SpamProcessor).worker.opts.limiter).toBeUndefined();
  });
});
