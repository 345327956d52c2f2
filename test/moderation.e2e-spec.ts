import { ReplyEvent } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { SPAM_QUEUE, SpamProcessor } from '@app/screening';
import { getQueueToken } from '@nestjs/bullmq';
import { Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { eventually, SEED_ARTICLE_ID, startSystem, System, tokenFor } from './support/system';

const A = SEED_ARTICLE_ID;
const PRE = 'held-for-moderators';
const unique = (label: string) => `${label} ${randomBytes(4).toString('hex')}`;

let sys: System;
let admin: string;
let moderator: string;
let otherModerator: string;

beforeAll(async () => {
  // The real default policy, and each test's readers on addresses of their own (X-Forwarded-For
  // from the loopback proxy), as they would be behind a news site's load balancer.
  sys = await startSystem({ env: { MODERATION_POLICY: '', TRUST_PROXY: 'loopback', SCREENING_RETRY_AFTER_MS: '1500' } });
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
  moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'mod-1', 'Mo')}`;
  otherModerator = `Bearer ${tokenFor(sys.config, 'moderator', 'mod-2', 'Max')}`;
  await sys.http.post('/articles').set('Authorization', admin).send({ id: PRE, title: 'Pre', author: 'E', category: 'News', body: ['p'], settings: { moderation: 'pre' } }).expect(202);
});
afterAll(() => sys.stop());

const reader = (sub = `r-${randomBytes(4).toString('hex')}`) => `Bearer ${tokenFor(sys.config, 'reader', sub, sub)}`;

const address = () => `203.0.113.${1 + Math.floor(Math.random() * 250)}`;

async function submit(body: string, auth: string | null = reader(), articleId = A, extra: Record<string, unknown> = {}, from = address()) {
  const req = sys.http.post(`/articles/${articleId}/replies`).set('X-Forwarded-For', from);
  if (auth) req.set('Authorization', auth);
  const res = await req.send({ body, ...(auth ? {} : { author: { name: 'Gus', email: `${randomBytes(4).toString('hex')}@example.org` } }), ...extra }).expect(202);
  return res.body as { id: string; status: string; editToken?: string };
}

const detail = async (id: string, auth = moderator) => (await sys.http.get(`/replies/${id}`).set('Authorization', auth).expect(200)).body;
/** The reply's detail once its verdict is in the view. */
const settledStatus = (id: string) => eventually(async () => {
  const d = await detail(id);
  expect(d.status).not.toBe('checking');
  expect(d.history.map((h: { type: string }) => h.type)).toContain('reply.screened');
  return d;
}, 20_000);
const threadIds = async (articleId = A) => ((await sys.http.get(`/articles/${articleId}/replies?limit=100`).expect(200)).body.items as { id: string }[]).map((i) => i.id);

describe('screening', () => {
  it('an ordinary reply is checking, then published by its verdict, which names what it used', async () => {
    const r = await submit(unique('I think the council should publish the full budget before the vote.'));
    expect(r.status).toBe('checking');
    const d = await settledStatus(r.id);
    expect(d).toMatchObject({ status: 'published', verdict: { decision: 'publish', scoredVersion: 1, policyVersion: expect.any(Number) } });
    expect(d.history.map((h: { type: string }) => h.type)).toEqual(['reply.submitted', 'reply.screened']);
    await eventually(async () => expect(await threadIds()).toContain(r.id));
  });

  it('a banned word rejects, a suspect word holds, and evasions are caught; the author sees why', async () => {
    const author = reader();
    const banned = await submit(unique('what the fuck is this'), author);
    const bannedEvasion = await submit(unique('what the f.u.c.k is this'), author);
    const suspect = await submit(unique('what an idiot take'), author);
    const evasive = await submit(unique('what an 1d10t take'), author);
    expect((await settledStatus(banned.id)).status).toBe('rejected');
    expect((await settledStatus(bannedEvasion.id)).status).toBe('rejected');
    expect((await settledStatus(suspect.id)).status).toBe('pending');
    expect((await settledStatus(evasive.id)).status).toBe('pending');
    const mine = await detail(suspect.id, author);
    expect(mine.reasons.length).toBeGreaterThan(0);
    expect(mine.reasons[0]).toMatchObject({ code: expect.any(String), detail: expect.any(String) });
    // Readers see neither the text nor the reasons of a reply that is not public.
    const anyone = (await sys.http.get(`/replies/${suspect.id}`).expect(200)).body;
    expect(anyone.body).toBe('');
    expect(anyone.reasons).toBeUndefined();
    expect(await threadIds()).not.toContain(suspect.id);
  });

  it('a filled honeypot is accepted like any reply and held quietly: its author is never told why', async () => {
    const bot = reader();
    const r = await submit(unique('Totally normal words here.'), bot, A, { website: 'http://bots.example' });
    expect(r.status).toBe('checking');
    expect((await settledStatus(r.id)).status).toBe('pending');
    const mine = await detail(r.id, bot);
    expect(mine.reasons.length).toBeGreaterThan(0);
    expect(JSON.stringify(mine.reasons)).not.toMatch(/honeypot|hidden|website/i);
    const exported = await sys.http.get('/me/data').set('Authorization', bot).expect(200);
    expect(JSON.stringify(exported.body)).not.toMatch(/honeypot/i);
  });

  it('a job Redis lost is queued again by the sweeper, and the reply gets its verdict', async () => {
    const processor = sys.app.get(SpamProcessor);
    await processor.worker.pause();
    const queue = sys.app.get<Queue>(getQueueToken(SPAM_QUEUE));
    try {
      const r = await submit(unique('Waiting for a verdict that Redis forgot.'));
      await eventually(async () => expect(await queue.getJob(`screen-${r.id}-v1`)).toBeTruthy());
      await queue.obliterate({ force: true });
      expect(await queue.getJob(`screen-${r.id}-v1`)).toBeFalsy();
      processor.worker.resume();
      const d = await settledStatus(r.id);
      expect(d.status).toBe('published');
    } finally {
      processor.worker.resume();
    }
  });

  it('a spam wave ends held or refused while ordinary replies publish', async () => {
    const spammers = Array.from({ length: 5 }, () => reader());
    const wave = await Promise.all(
      Array.from({ length: 50 }, (_, i) => submit(`Cheap pills at http://cheap-pills.example.com/${i % 3} buy now!!!`, spammers[i % 5], A, {}, `198.51.100.${i % 5}`)),
    );
    const ordinary = await Promise.all([submit(unique('The mayor has a point about federal overreach.')), submit(unique('Thanks for the careful reporting on this.'))]);
    const outcomes = await Promise.all(wave.map((r) => settledStatus(r.id)));
    const public_ = outcomes.filter((d) => d.status === 'published');
    expect(public_.length).toBeLessThanOrEqual(5);
    for (const r of ordinary) expect((await settledStatus(r.id)).status).toBe('published');
  });

  it('an edit is screened again: the verdict that stands is the one for the newest version', async () => {
    const author = reader();
    const r = await submit(unique('first version, nothing wrong'), author);
    await sys.http.patch(`/replies/${r.id}`).set('Authorization', author).send({ body: unique('second version, still fine') }).expect(200);
    const d = await eventually(async () => {
      const now = await detail(r.id);
      expect(now.verdict?.scoredVersion).toBe(2);
      return now;
    }, 20_000);
    expect(d.status).toBe('published');
    const { events } = await sys.app.get<EventStore>(EVENT_STORE).load<ReplyEvent>(`reply-${r.id}`);
    const afterEdit = events.slice(events.findIndex((e) => e.event.type === 'reply.edited'));
    expect(afterEdit.filter((e) => e.event.type === 'reply.screened').map((e) => (e.event.data as { scoredVersion: number }).scoredVersion)).toEqual([2]);
  });
});

describe('moderators', () => {
  it('a pre-moderated article holds everything until a moderator approves it', async () => {
    const r = await submit(unique('A fine comment on a held article.'), reader(), PRE);
    expect(r.status).toBe('pending');
    const d = await settledStatus(r.id);
    expect(d.status).toBe('pending');
    expect(await threadIds(PRE)).not.toContain(r.id);
    const etag = (await sys.http.get(`/replies/${r.id}`).set('Authorization', moderator).expect(200)).headers.etag;
    const ok = await sys.http.post(`/moderation/replies/${r.id}/approve`).set('Authorization', moderator).set('If-Match', etag).send({}).expect(200);
    expect(ok.body).toMatchObject({ id: r.id, status: 'published' });
    await eventually(async () => expect(await threadIds(PRE)).toContain(r.id));
  });

  it('428 without If-Match, 412 with a stale one; two moderators at once: one decision stands', async () => {
    const r = await submit(unique('Contested but civil.'));
    await settledStatus(r.id);
    const etag = (await sys.http.get(`/replies/${r.id}`).set('Authorization', moderator).expect(200)).headers.etag;
    await sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', moderator).send({ reason: 'off topic' }).expect(428);
    await sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', moderator).set('If-Match', '"999"').send({}).expect(412);
    const [one, two] = await Promise.all([
      sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', moderator).set('If-Match', etag).send({ reason: 'off topic' }),
      sys.http.post(`/moderation/replies/${r.id}/spam`).set('Authorization', otherModerator).set('If-Match', etag).send({}),
    ]);
    const statuses = [one.status, two.status];
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    // The loser either lost the race to append (409) or read the winner's decision (412).
    expect([409, 412]).toContain(statuses.find((s) => s !== 200));
    const d = await eventually(async () => {
      const now = await detail(r.id);
      expect(now.status).not.toBe('published');
      return now;
    });
    expect(d.history.filter((h: { type: string }) => h.type === 'reply.moderated')).toHaveLength(1);
    expect(d.decision).toMatchObject(d.status === 'rejected' ? { action: 'reject', reason: 'off topic' } : { action: 'spam', reason: null });
  });

  it('features a published reply, and taking it down unfeatures it', async () => {
    const r = await submit(unique('Worth featuring.'));
    await settledStatus(r.id);
    let etag = (await sys.http.get(`/replies/${r.id}`).set('Authorization', moderator).expect(200)).headers.etag;
    const featured = await sys.http.post(`/moderation/replies/${r.id}/feature`).set('Authorization', moderator).set('If-Match', etag).send({}).expect(200);
    expect(featured.body).toMatchObject({ featured: true });
    await eventually(async () => {
      const item = ((await sys.http.get(`/articles/${A}/replies?limit=100`).expect(200)).body.items as { id: string; featured: boolean }[]).find((i) => i.id === r.id);
      expect(item?.featured).toBe(true);
    });
    etag = featured.headers.etag;
    const down = await sys.http.post(`/moderation/replies/${r.id}/spam`).set('Authorization', moderator).set('If-Match', etag).send({ reason: 'promotional' }).expect(200);
    expect(down.body).toMatchObject({ status: 'spam', featured: false });
    await eventually(async () => expect(await threadIds()).not.toContain(r.id));
  });

  it('who may decide: nobody without a token, no reader; moderators and admins', async () => {
    const r = await submit(unique('Role matrix.'));
    await settledStatus(r.id);
    const call = (auth: string | null, etag: string) => {
      const req = sys.http.post(`/moderation/replies/${r.id}/reject`).set('If-Match', etag);
      if (auth) req.set('Authorization', auth);
      return req.send({});
    };
    const etag = (await sys.http.get(`/replies/${r.id}`).set('Authorization', moderator).expect(200)).headers.etag;
    await call(null, etag).expect(401);
    await call(reader(), etag).expect(403);
    const byAdmin = await call(admin, etag).expect(200);
    await sys.http.post(`/moderation/replies/${r.id}/approve`).set('Authorization', moderator).set('If-Match', byAdmin.headers.etag).send({}).expect(200);
  });

  it('refuses bad input with a clear problem and stores nothing', async () => {
    const r = await submit(unique('Bad input target.'));
    const d = await settledStatus(r.id);
    const etag = `"${d.version}"`;
    const cases: [string, () => Promise<{ status: number }>][] = [
      ['unknown action', () => sys.http.post(`/moderation/replies/${r.id}/delete`).set('Authorization', moderator).set('If-Match', etag).send({})],
      ['not a reply id', () => sys.http.post('/moderation/replies/nope/approve').set('Authorization', moderator).set('If-Match', etag).send({})],
      ['reason as an array', () => sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', moderator).set('If-Match', etag).send({ reason: ['x'] })],
      ['invisible reason', () => sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', moderator).set('If-Match', etag).send({ reason: '\u200b' })],
      ['huge reason', () => sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', moderator).set('If-Match', etag).send({ reason: 'x'.repeat(1001) })],
      ['unknown field', () => sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', moderator).set('If-Match', etag).send({ status: 'published' })],
    ];
    for (const [label, call] of cases) expect([label, (await call()).status]).toEqual([label, 400]);
    await sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', moderator).set('If-Match', '*').send({}).expect(412);
    await sys.http.post(`/moderation/replies/${'0'.repeat(24)}/approve`).set('Authorization', moderator).set('If-Match', '"1"').send({}).expect(404);
    const { version } = await sys.app.get<EventStore>(EVENT_STORE).load(`reply-${r.id}`);
    expect(version).toBe(d.version);
  });
});

describe('moderation queues', () => {
  const queue = async (name: string, query = '', auth = moderator) => (await sys.http.get(`/moderation/queues/${name}${query}`).set('Authorization', auth).expect(200)).body;
  const ARTICLE = 'queued-article';

  beforeAll(async () => {
    await sys.http.post('/articles').set('Authorization', admin).send({ id: ARTICLE, title: 'Queued', author: 'E', category: 'News', body: ['p'], settings: { moderation: 'pre' } }).expect(202);
  });

  it('a held reply waits in pending with its reasons, counted; approved, it moves to approved', async () => {
    const before = (await sys.http.get('/moderation/queues').set('Authorization', moderator).expect(200)).body;
    const r = await submit(unique('Held until a moderator reads it.'), reader(), ARTICLE);
    const page = await eventually(async () => {
      const p = await queue('pending', `?articleId=${ARTICLE}`);
      expect(p.items.map((i: { id: string }) => i.id)).toContain(r.id);
      return p;
    });
    expect(page.items.find((i: { id: string }) => i.id === r.id)).toMatchObject({ articleId: ARTICLE, status: 'pending', excerpt: expect.stringContaining('Held until'), reasons: [{ code: 'pre-moderation' }] });
    await eventually(async () => {
      const now = (await sys.http.get('/moderation/queues').set('Authorization', moderator).expect(200)).body;
      expect(now.pending).toBe(before.pending + 1);
    });
    const d = await settledStatus(r.id);
    await sys.http.post(`/moderation/replies/${r.id}/approve`).set('Authorization', moderator).set('If-Match', `"${d.version}"`).send({ reason: 'fine' }).expect(200);
    await eventually(async () => {
      expect((await queue('pending', `?articleId=${ARTICLE}`)).items.map((i: { id: string }) => i.id)).not.toContain(r.id);
      const approved = await queue('approved', `?articleId=${ARTICLE}`);
      expect(approved.items.find((i: { id: string }) => i.id === r.id)).toMatchObject({ status: 'published', reasons: [{ code: 'moderator-approve', detail: 'fine' }] });
    });
    // Moved on again, it leaves approved too (its entry must name the lists it is in now).
    const again = await eventually(async () => {
      const x = await detail(r.id);
      expect(x.status).toBe('published');
      return x;
    });
    await sys.http.post(`/moderation/replies/${r.id}/spam`).set('Authorization', moderator).set('If-Match', `"${again.version}"`).send({}).expect(200);
    await eventually(async () => {
      expect((await queue('approved', `?articleId=${ARTICLE}`)).items.map((i: { id: string }) => i.id)).not.toContain(r.id);
      expect((await queue('spam', `?articleId=${ARTICLE}`)).items.map((i: { id: string }) => i.id)).toContain(r.id);
    });
  });

  it('pages a queue by cursor, newest or oldest first, every reply once', async () => {
    const article = `paged-${randomBytes(3).toString('hex')}`;
    await sys.http.post('/articles').set('Authorization', admin).send({ id: article, title: 'Paged', author: 'E', category: 'News', body: ['p'], settings: { moderation: 'pre' } }).expect(202);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await submit(unique(`Queued reply number ${i}.`), reader(), article)).id);
    // Buckets are written before the counters: wait for both.
    await eventually(async () => expect(await queue('pending', `?articleId=${article}&limit=100`)).toMatchObject({ count: 5, items: expect.arrayContaining([]) }));
    await eventually(async () => expect((await queue('pending', `?articleId=${article}&limit=100`)).items).toHaveLength(5));
    for (const order of ['newest', 'oldest']) {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const page: { items: { id: string }[]; nextCursor: string | null; count: number } = await queue('pending', `?articleId=${article}&order=${order}&limit=2${cursor ? `&cursor=${cursor}` : ''}`);
        expect(page.count).toBe(5);
        seen.push(...page.items.map((i) => i.id));
        cursor = page.nextCursor;
      } while (cursor);
      expect(new Set(seen).size).toBe(5);
      expect([...seen].sort()).toEqual([...ids].sort());
      const positions = seen;
      expect(order === 'oldest' ? positions : [...positions].reverse()).toEqual(ids);
    }
  });

  it('who may read the queues, and bad input', async () => {
    for (const path of ['/moderation/queues', '/moderation/queues/pending']) {
      await sys.http.get(path).expect(401);
      await sys.http.get(path).set('Authorization', reader()).expect(403);
      await sys.http.get(path).set('Authorization', moderator).expect(200);
      await sys.http.get(path).set('Authorization', admin).expect(200);
    }
    const other = (await queue('spam', '?limit=1')).nextCursor;
    const bad = ['/moderation/queues/reported-by-aliens', '/moderation/queues/pending?limit=0', '/moderation/queues/pending?limit=101', '/moderation/queues/pending?limit=x',
      '/moderation/queues/pending?limit=1&limit=2', '/moderation/queues/pending?order=sideways', '/moderation/queues/pending?cursor=nonsense', '/moderation/queues/pending?articleId=NOT%20AN%20ID',
      '/moderation/queues/pending?sort=newest', '/moderation/queues/pending?articleId[$ne]=x'];
    if (other) bad.push(`/moderation/queues/pending?cursor=${other}`);
    for (const path of bad) expect([path, (await sys.http.get(path).set('Authorization', moderator)).status]).toEqual([path, 400]);
  });
});


describe('readers flag replies', () => {
  const flag = (id: string, auth: string | null, body: Record<string, unknown> = { reason: 'abuse' }) => {
    const req = sys.http.post(`/replies/${id}/flags`);
    if (auth) req.set('Authorization', auth);
    return req.send(body);
  };

  it('three readers flagging a published reply put it in the reported queue; it stays up until a moderator acts', async () => {
    const author = reader();
    const r = await submit(unique('A reply some readers dislike.'), author);
    expect((await settledStatus(r.id)).status).toBe('published');
    const note = unique('calls people names');
    await flag(r.id, reader(), { reason: 'abuse', note }).expect(201);
    const second = reader();
    await flag(r.id, second, { reason: 'off-topic' }).expect(201);
    await flag(r.id, second, { reason: 'spam' }).expect(422);
    await flag(r.id, author).expect(422);
    await flag(r.id, reader()).expect(201);
    const item = await eventually(async () => {
      const page = (await sys.http.get('/moderation/queues/reported?limit=100').set('Authorization', moderator).expect(200)).body;
      const found = page.items.find((i: { id: string }) => i.id === r.id);
      expect(found).toBeDefined();
      return found;
    });
    expect(item.reasons).toContainEqual({ code: 'reported', detail: expect.stringContaining('3 readers') });
    expect(await threadIds()).toContain(r.id);
    // The note is the flagger's text: sealed in the log like theirs.
    const commits = await sys.db.collection('commits').find({ streamId: { $regex: `^flag-${r.id}-` } }).toArray();
    expect(commits).toHaveLength(3);
    expect(JSON.stringify(commits)).not.toContain(note);
    // A moderator's decision answers the flags.
    const d = await detail(r.id);
    await sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', moderator).set('If-Match', `"${d.version}"`).send({ reason: 'abusive' }).expect(200);
    await eventually(async () => {
      const page = (await sys.http.get('/moderation/queues/reported?limit=100').set('Authorization', moderator).expect(200)).body;
      expect(page.items.map((i: { id: string }) => i.id)).not.toContain(r.id);
    });
  });

  it('who may flag, and bad input', async () => {
    const r = await submit(unique('Flag target.'));
    await settledStatus(r.id);
    await flag(r.id, null).expect(401);
    await flag(r.id, moderator).expect(201);
    await flag(r.id, admin).expect(201);
    const someone = reader();
    for (const body of [{}, { reason: 'boring' }, { reason: ['abuse'] }, { reason: 'abuse', note: '\u200b' }, { reason: 'abuse', note: 'x'.repeat(501) }, { reason: 'abuse', extra: 1 }, { reason: 'abuse', note: null }]) {
      expect([JSON.stringify(body).slice(0, 40), (await flag(r.id, someone, body)).status]).toEqual([JSON.stringify(body).slice(0, 40), 400]);
    }
    await flag('0'.repeat(24), someone).expect(404);
    await flag('nope', someone).expect(400);
    const pending = await submit(unique('Still held.'), reader(), PRE);
    await flag(pending.id, someone).expect(422);
    await flag(r.id, someone).expect(201);
  });
});

describe('the moderation log', () => {
  it('names who or which rule acted, why, when and under which policy; filters by moderator and article; pages by cursor', async () => {
    const article = `logged-${randomBytes(3).toString('hex')}`;
    await sys.http.post('/articles').set('Authorization', admin).send({ id: article, title: 'Logged', author: 'E', category: 'News', body: ['p'] }).expect(202);
    const r = await submit(unique('A reply the log will follow.'), reader(), article);
    const d = await settledStatus(r.id);
    await sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', otherModerator).set('If-Match', `"${d.version}"`).send({ reason: 'Off topic for this story' }).expect(200);
    const log = await eventually(async () => {
      const page = (await sys.http.get(`/moderation/log?articleId=${article}`).set('Authorization', moderator).expect(200)).body;
      expect(page.entries).toHaveLength(2);
      return page;
    });
    expect(log.entries[0]).toMatchObject({ replyId: r.id, action: 'reject', by: { kind: 'moderator', id: 'mod-2' }, reason: 'Off topic for this story', status: 'rejected', previousStatus: 'published' });
    expect(log.entries[1]).toMatchObject({ replyId: r.id, action: 'verdict:publish', by: { kind: 'system', id: 'screening' }, policyVersion: 0, status: 'published' });
    await eventually(async () => {
      const mine = (await sys.http.get(`/moderation/log?moderator=mod-2&articleId=${article}`).set('Authorization', moderator).expect(200)).body;
      expect(mine.entries.map((e: { action: string }) => e.action)).toEqual(['reject']);
    });
    const first = (await sys.http.get(`/moderation/log?articleId=${article}&limit=1`).set('Authorization', moderator).expect(200)).body;
    const second = (await sys.http.get(`/moderation/log?articleId=${article}&limit=1&cursor=${first.nextCursor}`).set('Authorization', moderator).expect(200)).body;
    expect([...first.entries, ...second.entries].map((e: { action: string }) => e.action)).toEqual(['reject', 'verdict:publish']);
  });

  it('who may read it, and bad input', async () => {
    await sys.http.get('/moderation/log').expect(401);
    await sys.http.get('/moderation/log').set('Authorization', reader()).expect(403);
    await sys.http.get('/moderation/log').set('Authorization', moderator).expect(200);
    await sys.http.get('/moderation/log').set('Authorization', admin).expect(200);
    for (const q of ['limit=0', 'limit=x', 'cursor=nonsense', 'articleId=Bad%20Id', 'moderator=%E2%80%8B', 'moderator[$ne]=x', 'whatever=1']) {
      expect([q, (await sys.http.get(`/moderation/log?${q}`).set('Authorization', moderator)).status]).toEqual([q, 400]);
    }
  });
});

describe('appeals', () => {
  const appeal = (id: string, auth: string | null, body: unknown = { note: 'I was quoting the article.' }, editToken?: string) => {
    const req = sys.http.post(`/replies/${id}/appeal`);
    if (auth) req.set('Authorization', auth);
    if (editToken) req.set('X-Edit-Token', editToken);
    return req.send(body as object);
  };
  const appealsQueue = async () => (await sys.http.get('/moderation/queues/appeals?limit=100').set('Authorization', moderator).expect(200)).body;

  it('the author of a refused reply appeals once with a note; it waits in appeals; the decision is final and logged', async () => {
    const author = reader();
    const r = await submit(unique('what the fuck, the budget doubled'), author);
    expect((await settledStatus(r.id)).status).toBe('rejected');
    const note = unique('I was quoting the mayor, not swearing at anyone');

    // Role matrix: only its author, whoever else asks. No token is a guest without their edit
    // token (guests appeal too): not the author, 403, as for edits and retractions.
    await appeal(r.id, null).expect(403);
    await appeal(r.id, reader()).expect(403);
    await appeal(r.id, moderator).expect(403);
    await appeal(r.id, admin).expect(403);
    await appeal(r.id, 'Bearer not.a.token').expect(401);
    // Hostile notes: nothing stored.
    for (const body of [{}, { note: null }, { note: ['a'] }, { note: { $ne: '' } }, { note: '\u200b\u200b' }, { note: 'x'.repeat(1001) }, { note: 'ok', extra: 1 }, [{ note: 'ok' }]]) {
      expect([body, (await appeal(r.id, author, body)).status]).toEqual([body, 400]);
    }
    expect((await detail(r.id)).appeal).toBeNull();

    const opened = await appeal(r.id, author, { note }).expect(201);
    expect(opened.body).toMatchObject({ id: r.id, status: 'rejected', appeal: 'open' });
    await appeal(r.id, author, { note: 'and again' }).expect(422);
    const item = await eventually(async () => {
      const found = (await appealsQueue()).items.find((i: { id: string }) => i.id === r.id);
      expect(found).toBeDefined();
      return found;
    });
    expect(item.reasons).toContainEqual({ code: 'appeal', detail: note });
    // The note is the author's text: sealed in the log like the reply.
    const commits = await sys.db.collection('commits').find({ streamId: `reply-${r.id}` }).toArray();
    expect(JSON.stringify(commits)).not.toContain(note);

    const seen = await eventually(async () => {
      const d = await detail(r.id);
      expect(d.appeal).toMatchObject({ status: 'open', note });
      return d;
    });
    expect((await detail(r.id, author)).appeal).toMatchObject({ status: 'open', note });
    expect((await sys.http.get(`/replies/${r.id}`).expect(200)).body.appeal).toBeUndefined();
    await sys.http.post(`/moderation/replies/${r.id}/approve`).set('Authorization', moderator).set('If-Match', `"${seen.version}"`).send({ reason: 'A quotation, fair enough' }).expect(200);
    await eventually(async () => {
      expect((await appealsQueue()).items.map((i: { id: string }) => i.id)).not.toContain(r.id);
      expect(await threadIds()).toContain(r.id);
      expect((await detail(r.id, author)).appeal).toMatchObject({ status: 'settled', decidedAt: expect.any(String) });
    });
    await appeal(r.id, author, { note: 'thanks, one more' }).expect(422);
    const decision = await eventually(async () => {
      const log = (await sys.http.get(`/moderation/log?articleId=${A}&moderator=mod-1&limit=100`).set('Authorization', moderator).expect(200)).body;
      const found = log.entries.find((e: { replyId: string }) => e.replyId === r.id);
      expect(found).toBeDefined();
      return found;
    });
    expect(decision).toMatchObject({ action: 'appeal:approve', reason: 'A quotation, fair enough', by: { kind: 'moderator', id: 'mod-1' }, status: 'published', previousStatus: 'rejected' });
    const mine = (await sys.http.get('/me/data').set('Authorization', author).expect(200)).body;
    const exported = mine.replies.find((x: { id: string }) => x.id === r.id);
    expect(exported.history.map((h: { type: string }) => h.type)).toEqual(['reply.submitted', 'reply.screened', 'reply.appealed', 'reply.moderated']);
    expect(exported.history[2]).toMatchObject({ note, by: { kind: 'reader' } });
  });

  it('a guest appeals with their edit token; a published reply cannot be appealed; upholding a refusal settles it', async () => {
    const held = await submit(unique('you are an idiot, sir'), null);
    expect((await settledStatus(held.id)).status).toBe('pending');
    await appeal(held.id, null, { note: 'Strong words, but about a policy.' }, 'wrong-token').expect(403);
    await appeal(held.id, null, { note: 'Strong words, but about a policy.' }, held.editToken).expect(201);
    const d = await eventually(async () => {
      const x = await detail(held.id);
      expect(x.appeal?.status).toBe('open');
      return x;
    });
    await sys.http.post(`/moderation/replies/${held.id}/reject`).set('Authorization', moderator).set('If-Match', `"${d.version}"`).send({ reason: 'Name-calling' }).expect(200);
    await eventually(async () => expect((await detail(held.id)).appeal).toMatchObject({ status: 'settled' }));

    const fine = await submit(unique('The audit should come before the vote.'));
    expect((await settledStatus(fine.id)).status).toBe('published');
    await appeal(fine.id, reader()).expect(403);
  });
});

describe('the spam model', () => {
  it('learns from moderators marking spam and approving, scores new replies with it, and equals a rebuild', async () => {
    const article = `learning-${randomBytes(3).toString('hex')}`;
    await sys.http.post('/articles').set('Authorization', admin).send({ id: article, title: 'Learning', author: 'E', category: 'News', body: ['p'], settings: { moderation: 'pre' } }).expect(202);
    const spammy = ['discount', 'watches', 'replica', 'bargain', 'shipping', 'luxury', 'wholesale', 'outlet'];
    const civic = ['council', 'budget', 'library', 'funding', 'meeting', 'residents', 'zoning', 'schools'];
    const text = (words: string[], i: number) => `${words.slice(i % 3, (i % 3) + 5).join(' ')} ${unique('note')}`;
    const decide = async (id: string, action: 'spam' | 'approve') => {
      const d = await settledStatus(id);
      const post = async (verb: string, version: number) =>
        (await sys.http.post(`/moderation/replies/${id}/${verb}`).set('Authorization', moderator).set('If-Match', `"${version}"`).send({}).expect(200)).body.version as number;
      let version = d.version as number;
      // Once the model has learned enough the checks may get there first; a moderator's own
      // decision is what teaches, so they reverse it and decide again (the first lesson is taken back).
      if (d.status === (action === 'spam' ? 'spam' : 'published')) version = await post(action === 'spam' ? 'approve' : 'spam', version);
      await post(action, version);
    };
    const totals = () => sys.db.collection<{ _id: string; spam: number; ham: number }>('spam_model_totals__v1').findOne({ _id: 'totals' });
    const before = (await totals()) ?? { spam: 0, ham: 0 }; // earlier tests' decisions taught it too
    for (let i = 0; i < 10; i++) {
      const [s, h] = await Promise.all([submit(text(spammy, i), reader(), article), submit(text(civic, i), reader(), article)]);
      await Promise.all([decide(s.id, 'spam'), decide(h.id, 'approve')]);
    }
    // Every decision learned (the model's projector), then read by the workers within a few seconds.
    await eventually(async () => expect(await totals()).toMatchObject({ spam: before.spam + 10, ham: before.ham + 10 }), 30_000);
    const verdict = await eventually(async () => {
      const r = await submit(`luxury replica watches discount outlet ${unique('now')}`, reader(), article);
      const d = await settledStatus(r.id);
      expect(d.verdict.reasons.map((x: { code: string }) => x.code)).toContain('spam-model');
      return d.verdict;
    }, 30_000);
    expect(verdict.modelVersion).toEqual(expect.any(Number));
    expect(verdict.score).toBeGreaterThan(0);
    const civicVerdict = (await settledStatus((await submit(`council budget library meeting ${unique('ok')}`, reader(), article)).id)).verdict;
    expect(civicVerdict.modelVersion).toBe(verdict.modelVersion);
    expect(civicVerdict.reasons.map((r: { code: string }) => r.code)).not.toContain('spam-model');

    const { verifyViews, liveViewNames, SpamModelProjection } = await import('@app/read-models');
    const { MongoLogReader, UpcasterRegistry } = await import('@app/event-store');
    const { PersonalDataCipher } = await import('@app/event-store');
    const report = await verifyViews(sys.db, new MongoLogReader(sys.db, new UpcasterRegistry(), sys.app.get(PersonalDataCipher)), [new SpamModelProjection()], liveViewNames());
    expect(report.differences).toEqual([]);
    expect(report.documents).toBeGreaterThan(10);
  });
});

describe("the author's own replies beside the thread", () => {
  const mine = (auth: string | null, editTokens?: string, articleId = A) => {
    const req = sys.http.get(`/articles/${articleId}/replies/mine`);
    if (auth) req.set('Authorization', auth);
    if (editTokens) req.set('X-Edit-Tokens', editTokens);
    return req;
  };

  it('shows a reader their replies with their status at once, held ones with why; nobody else sees them', async () => {
    const author = reader();
    const fine = await submit(unique('The library hours should be longer.'), author);
    const held = await submit(unique('what an idiot take on the library'), author);
    const listed = await eventually(async () => {
      const res = await mine(author).expect(200);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining([fine.id, held.id]));
      return res;
    });
    expect(listed.headers['cache-control']).toContain('no-store');
    await settledStatus(held.id);
    const after = (await mine(author).expect(200)).body.items;
    expect(after.find((i: { id: string }) => i.id === held.id)).toMatchObject({ status: 'pending', body: expect.stringContaining('idiot'), reasons: [expect.objectContaining({ code: expect.any(String) })] });
    expect(after[0].id).toBe(held.id); // newest first
    expect((await mine(reader()).expect(200)).body.items).toEqual([]);
    expect((await mine(moderator).expect(200)).body.items).toEqual([]);
  });

  it('a guest names theirs with edit tokens; no proof is 401, a wrong token 403, bad input 400', async () => {
    const guest = await submit(unique('A guest asks about parking.'), null);
    const items = await eventually(async () => {
      const res = await mine(null, `${guest.id}:${guest.editToken}`).expect(200);
      expect(res.body.items.map((i: { id: string }) => i.id)).toEqual([guest.id]);
      return res.body.items;
    });
    expect(items[0].status).toMatch(/checking|published/);
    await mine(null).expect(401);
    await mine(null, `${guest.id}:${'x'.repeat(43)}`).expect(403);
    await mine(null, 'garbage').expect(400);
    await mine(reader(), `${guest.id}:${guest.editToken}`).expect(400);
    await mine(reader(), undefined, 'NOT_AN_ID').expect(400);
    // Another article: none of theirs there.
    expect((await mine(null, `${guest.id}:${guest.editToken}`, 'another-article').expect(200)).body.items).toEqual([]);
  });
});
