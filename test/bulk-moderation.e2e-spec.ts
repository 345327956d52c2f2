import { Commenter, ReplyEvent } from '@app/domain';
import { Aggregates } from '@app/platform';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { MODERATION_QUEUE, ModerationJob } from '@app/moderator-actions';
import { SPAM_QUEUE } from '@app/screening';
import { getQueueToken } from '@nestjs/bullmq';
import { Job, Queue } from 'bullmq';
import { randomBytes } from 'node:crypto';
import { ModerationProcessor } from '../libs/moderator-actions/src/jobs/moderation.processor';
import { eventually, RELAXED_POLICY, SEED_ARTICLE_ID, startSystem, System, tokenFor } from './support/system';

/** Bulk decisions and their undo, and what moderators decide about commenters; on a clock the test moves. */
const A = SEED_ARTICLE_ID;
let now = Date.now();
let sys: System;
let admin: string;
let moderator: string;
let otherModerator: string;

beforeAll(async () => {
  sys = await startSystem({ clock: () => new Date(now), env: { MODERATION_POLICY: RELAXED_POLICY, MODERATION_RETRY_AFTER_MS: '1000' } });
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
  moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'mod-1', 'Mo')}`;
  otherModerator = `Bearer ${tokenFor(sys.config, 'moderator', 'mod-2', 'Max')}`;
});
afterAll(() => sys.stop());

const newReader = () => {
  const sub = `r-${randomBytes(4).toString('hex')}`;
  return `Bearer ${tokenFor(sys.config, 'reader', sub, sub)}`;
};
const text = (label: string) => `${label}: a measured point about the budget ${randomBytes(4).toString('hex')}`;

async function submit(auth: string, articleId = A) {
  return (await sys.http.post(`/articles/${articleId}/replies`).set('Authorization', auth).send({ body: text('reply') }).expect(202)).body as { id: string; status: string };
}
const detail = async (id: string) => (await sys.http.get(`/replies/${id}`).set('Authorization', moderator).expect(200)).body;
const publishedReply = async (auth = newReader()) => {
  const { id } = await submit(auth);
  return eventually(async () => {
    const d = await detail(id);
    expect(d.status).toBe('published');
    return d as { id: string; version: number; commenterId: string };
  }, 20_000);
};
const batch = async (id: string) => (await sys.http.get(`/moderation/batches/${id}`).set('Authorization', moderator).expect(200)).body;
const finished = (id: string, state: 'completed' | 'undone') => eventually(async () => {
  const b = await batch(id);
  expect(b.state).toBe(state);
  return b;
}, 20_000);
const moderatedEvents = async (replyId: string) => (await sys.app.get<EventStore>(EVENT_STORE).load<ReplyEvent>(`reply-${replyId}`)).events.map((e) => e.event).filter((e) => e.type === 'reply.moderated');

describe('bulk decisions', () => {
  it('bulk reject then undo: every reply back where the batch found it, and the thread shows them again', async () => {
    const replies = await Promise.all([publishedReply(), publishedReply(), publishedReply()]);
    const ids = replies.map((r) => r.id);
    const res = await sys.http.post('/moderation/bulk').set('Authorization', moderator).send({ action: 'reject', replyIds: ids, reason: 'a coordinated flood' }).expect(202);
    expect(res.headers.location).toBe(`/moderation/batches/${res.body.batchId}`);
    const done = await finished(res.body.batchId, 'completed');
    expect(done).toMatchObject({ action: 'reject', reason: 'a coordinated flood', counts: { changed: 3, unchanged: 0, failed: 0 }, progress: { processed: 3, total: 3 } });
    expect(done.changed.sort()).toEqual([...ids].sort());
    await eventually(async () => {
      for (const id of ids) expect(await detail(id)).toMatchObject({ status: 'rejected', decision: { action: 'reject', batchId: res.body.batchId } });
    });
    await eventually(async () => {
      const thread = (await sys.http.get(`/articles/${A}/replies?limit=100`).expect(200)).body.items.map((i: { id: string }) => i.id);
      for (const id of ids) expect(thread).not.toContain(id);
    });

    const undo = await sys.http.post(`/moderation/batches/${res.body.batchId}/undo`).set('Authorization', otherModerator).expect(202);
    expect(undo.body.state).toBe('undoing');
    const undone = await finished(res.body.batchId, 'undone');
    expect(undone.undo).toMatchObject({ counts: { restored: 3, changedSince: 0 } });
    await eventually(async () => {
      for (const id of ids) expect((await detail(id)).status).toBe('published');
    });
    for (const id of ids) {
      expect((await moderatedEvents(id)).map((e) => e.data)).toEqual([
        expect.objectContaining({ action: 'reject', batchId: res.body.batchId, previousStatus: 'published' }),
        expect.objectContaining({ action: 'restore', batchId: res.body.batchId, status: 'published', previousStatus: 'rejected' }),
      ]);
    }
    await eventually(async () => {
      const thread = (await sys.http.get(`/articles/${A}/replies?limit=100`).expect(200)).body.items.map((i: { id: string }) => i.id);
      for (const id of ids) expect(thread).toContain(id);
    });
    // Once only.
    await sys.http.post(`/moderation/batches/${res.body.batchId}/undo`).set('Authorization', moderator).expect(422);
  });

  it('undo after a later moderator change reports that reply instead of overwriting it; replies already in that state are left', async () => {
    const [a, b] = await Promise.all([publishedReply(), publishedReply()]);
    const c = await publishedReply();
    // c is already spam: the batch leaves it, and the undo must not touch it.
    await sys.http.post(`/moderation/replies/${c.id}/spam`).set('Authorization', moderator).set('If-Match', `"${c.version}"`).send({}).expect(200);
    const { batchId } = (await sys.http.post('/moderation/bulk').set('Authorization', moderator).send({ action: 'spam', replyIds: [a.id, b.id, c.id] }).expect(202)).body;
    const done = await finished(batchId, 'completed');
    expect(done.counts).toEqual({ changed: 2, unchanged: 1, failed: 0 });
    expect(done.unchanged).toEqual([{ replyId: c.id, status: 'spam' }]);
    // Another moderator looks again at b and approves it.
    const seen = await eventually(async () => {
      const d = await detail(b.id);
      expect(d.status).toBe('spam');
      return d;
    });
    await sys.http.post(`/moderation/replies/${b.id}/approve`).set('Authorization', otherModerator).set('If-Match', `"${seen.version}"`).send({ reason: 'not spam after all' }).expect(200);
    await sys.http.post(`/moderation/batches/${batchId}/undo`).set('Authorization', moderator).expect(202);
    const undone = await finished(batchId, 'undone');
    expect(undone.undo.restored).toEqual([a.id]);
    expect(undone.undo.changedSince).toEqual([{ replyId: b.id, status: 'published', why: expect.stringMatching(/changed since/) }]);
    await eventually(async () => {
      expect((await detail(a.id)).status).toBe('published');
      expect(await detail(b.id)).toMatchObject({ status: 'published', decision: { action: 'approve', reason: 'not spam after all' } });
      expect((await detail(c.id)).status).toBe('spam');
    });
    expect((await moderatedEvents(b.id)).map((e) => e.data.action)).toEqual(['spam', 'approve']);
  });

  it('a batch job run twice at once, and again after it finished, decides each reply once', async () => {
    const replies = await Promise.all([publishedReply(), publishedReply(), publishedReply(), publishedReply()]);
    const ids = replies.map((r) => r.id);
    // Paused workers: the test runs the job by hand, twice in parallel, as a stalled job retried elsewhere would.
    const queue = sys.app.get<Queue>(getQueueToken(MODERATION_QUEUE));
    await queue.pause();
    try {
      const { batchId } = (await sys.http.post('/moderation/bulk').set('Authorization', moderator).send({ action: 'reject', replyIds: ids }).expect(202)).body;
      const job = await eventually(async () => {
        const found = await queue.getJob(`${ModerationJob.RunBatch}-${batchId}`);
        expect(found).toBeDefined();
        return found as Job;
      });
      const processor = sys.app.get(ModerationProcessor);
      await Promise.all([processor.process(job), processor.process(job)]);
      await processor.process(job);
      const b = await batch(batchId);
      expect(b).toMatchObject({ state: 'completed', counts: { changed: 4, unchanged: 0, failed: 0 } });
      for (const id of ids) expect((await moderatedEvents(id)).filter((e) => e.data.batchId === batchId)).toHaveLength(1);
    } finally {
      await queue.resume();
    }
  });

  it('a batch whose job Redis lost is queued again by the sweep and carried out', async () => {
    const r = await publishedReply();
    const queue = sys.app.get<Queue>(getQueueToken(MODERATION_QUEUE));
    await queue.pause();
    let batchId = '';
    try {
      batchId = (await sys.http.post('/moderation/bulk').set('Authorization', moderator).send({ action: 'reject', replyIds: [r.id] }).expect(202)).body.batchId;
      const job = await eventually(async () => {
        const found = await queue.getJob(`${ModerationJob.RunBatch}-${batchId}`);
        expect(found).toBeDefined();
        return found as Job;
      });
      await job.remove();
    } finally {
      await queue.resume();
    }
    now += 5_000;
    expect((await finished(batchId, 'completed')).counts.changed).toBe(1);
  });

  it('refuses bad input and stores nothing', async () => {
    const id = (await publishedReply()).id;
    const bad: unknown[] = [
      {},
      { action: 'reject' },
      { action: 'delete', replyIds: [id] },
      { action: 'reject', replyIds: [] },
      { action: 'reject', replyIds: [id, id] },
      { action: 'reject', replyIds: ['not-a-reply'] },
      { action: 'reject', replyIds: id },
      { action: 'reject', replyIds: [{ $ne: null }] },
      { action: 'reject', replyIds: Array.from({ length: 501 }, () => randomBytes(12).toString('hex')) },
      { action: 'reject', replyIds: [id], reason: '\u200b' },
      { action: 'reject', replyIds: [id], reason: null },
      { action: 'reject', replyIds: [id], batchId: 'mine' },
      [{ action: 'reject', replyIds: [id] }],
    ];
    for (const body of bad) expect([body, (await sys.http.post('/moderation/bulk').set('Authorization', moderator).send(body as object)).status]).toEqual([body, 400]);
    for (const path of ['/moderation/batches/nope', `/moderation/batches/${id}`]) expect((await sys.http.get(path).set('Authorization', moderator)).status).toBe(400);
    await sys.http.get('/moderation/batches/3b241101-e2bb-4255-8caf-4136c566a962').set('Authorization', moderator).expect(404);
    await sys.http.post('/moderation/batches/3b241101-e2bb-4255-8caf-4136c566a962/undo').set('Authorization', moderator).expect(404);
    expect((await detail(id)).status).toBe('published');
    // A reply that does not exist is reported, not fatal.
    const missing = randomBytes(12).toString('hex');
    const { batchId } = (await sys.http.post('/moderation/bulk').set('Authorization', moderator).send({ action: 'approve', replyIds: [missing, id] }).expect(202)).body;
    const done = await finished(batchId, 'completed');
    expect(done).toMatchObject({ counts: { changed: 0, unchanged: 1, failed: 1 }, failed: [{ replyId: missing, error: 'no such reply' }] });
  });
});

describe('commenters', () => {
  it('ban with reject-all, then undo the batch and restore: their replies come back and they may reply again', async () => {
    const author = newReader();
    const replies = [await publishedReply(author), await publishedReply(author)];
    const commenterId = replies[0].commenterId;
    expect(replies[1].commenterId).toBe(commenterId);
    const ban = await sys.http.post(`/moderation/commenters/${commenterId}/ban`).set('Authorization', moderator).send({ reason: 'abuse', rejectAll: true }).expect(200);
    expect(ban.body).toMatchObject({ commenterId, standing: 'banned', batchId: expect.any(String) });
    expect(ban.headers.location).toBe(`/moderation/batches/${ban.body.batchId}`);
    const res = await sys.http.post(`/articles/${A}/replies`).set('Authorization', author).send({ body: text('after the ban') }).expect(422);
    expect(res.body.detail).toMatch(/banned/);
    const done = await finished(ban.body.batchId, 'completed');
    expect(done).toMatchObject({ selection: { commenterId }, counts: { changed: 2 } });
    await eventually(async () => {
      for (const r of replies) expect((await detail(r.id)).status).toBe('rejected');
    });
    const profile = (await sys.http.get(`/moderation/commenters/${commenterId}`).set('Authorization', moderator).expect(200)).body;
    expect(profile).toMatchObject({ commenterId, standing: 'banned', history: [{ standing: 'banned', previousStanding: 'normal', reason: 'abuse', batchId: ban.body.batchId, by: { kind: 'moderator', id: 'mod-1' } }] });
    expect(profile.replies.total).toBe(2);

    await sys.http.post(`/moderation/batches/${ban.body.batchId}/undo`).set('Authorization', moderator).expect(202);
    expect((await finished(ban.body.batchId, 'undone')).undo.counts).toEqual({ restored: 2, changedSince: 0 });
    await eventually(async () => {
      for (const r of replies) expect((await detail(r.id)).status).toBe('published');
    });
    await sys.http.post(`/moderation/commenters/${commenterId}/restore`).set('Authorization', moderator).send({}).expect(200);
    await sys.http.post(`/articles/${A}/replies`).set('Authorization', author).send({ body: text('back again') }).expect(202);
  });

  it('a reply still waiting for its verdict when its author is banned is refused by screening, never published', async () => {
    const author = newReader();
    const { commenterId } = await publishedReply(author);
    const spam = sys.app.get<Queue>(getQueueToken(SPAM_QUEUE));
    await spam.pause();
    let id = '';
    try {
      // Past the check at submission; the ban lands before its verdict (as when the two race).
      id = (await submit(author)).id;
      await sys.http.post(`/moderation/commenters/${commenterId}/ban`).set('Authorization', moderator).send({ reason: 'abuse' }).expect(200);
    } finally {
      await spam.resume();
    }
    const d = await eventually(async () => {
      const x = await detail(id);
      expect(x.status).not.toBe('checking');
      // The detail view itself: until it is projected, the answer comes from the stream, without the verdict.
      expect(x.history.length).toBeGreaterThan(0);
      return x;
    }, 20_000);
    expect(d).toMatchObject({ status: 'rejected', verdict: { decision: 'reject', reasons: [{ code: 'commenter-banned' }] } });
  });

  it('a suspension refuses replies until it ends by itself, and its end is recorded', async () => {
    const author = newReader();
    const { commenterId } = await publishedReply(author);
    const res = await sys.http.post(`/moderation/commenters/${commenterId}/suspend`).set('Authorization', moderator).send({ durationMinutes: 30, reason: 'cool off' }).expect(200);
    expect(res.body).toMatchObject({ standing: 'suspended', until: new Date(now + 30 * 60_000).toISOString(), batchId: null });
    expect((await sys.http.post(`/articles/${A}/replies`).set('Authorization', author).send({ body: text('during') }).expect(422)).body.detail).toMatch(/suspended/);
    now += 31 * 60_000;
    await sys.http.post(`/articles/${A}/replies`).set('Authorization', author).send({ body: text('after') }).expect(202);
    const profile = await eventually(async () => {
      const p = (await sys.http.get(`/moderation/commenters/${commenterId}`).set('Authorization', moderator).expect(200)).body;
      expect(p.history).toHaveLength(2);
      return p;
    }, 20_000);
    expect(profile).toMatchObject({ standing: 'normal', suspendedUntil: null });
    expect(profile.history[1]).toMatchObject({ standing: 'normal', previousStanding: 'suspended', reason: 'the suspension ended', by: { kind: 'system', id: 'suspensions' } });
  });

  it('premod holds every reply of theirs; trust lets them past a pre-moderated article', async () => {
    const author = newReader();
    const { commenterId } = await publishedReply(author);
    await sys.http.post(`/moderation/commenters/${commenterId}/premod`).set('Authorization', moderator).send({}).expect(200);
    expect((await submit(author)).status).toBe('pending');
    const PRE = `pre-${randomBytes(3).toString('hex')}`;
    await sys.http.post('/articles').set('Authorization', admin).send({ id: PRE, title: 'Pre', author: 'E', category: 'News', body: ['p'], settings: { moderation: 'pre' } }).expect(202);
    await sys.http.post(`/moderation/commenters/${commenterId}/trust`).set('Authorization', moderator).send({ reason: 'long-time reader' }).expect(200);
    const trusted = await eventually(async () => submit(author, PRE));
    expect(trusted.status).toBe('checking');
    await eventually(async () => expect((await detail(trusted.id)).status).toBe('published'), 20_000);
    expect((await submit(newReader(), PRE)).status).toBe('pending');
  });

  it('refuses bad input: unknown commenters, durations on the wrong action, reject-all without a ban', async () => {
    const { commenterId } = await publishedReply();
    const path = (action: string, id = commenterId) => `/moderation/commenters/${id}/${action}`;
    const cases: [string, unknown, number][] = [
      [path('suspend'), {}, 400],
      [path('suspend'), { durationMinutes: 0 }, 400],
      [path('suspend'), { durationMinutes: 1.5 }, 400],
      [path('suspend'), { durationMinutes: '10' }, 400],
      [path('suspend'), { durationMinutes: 365 * 24 * 60 + 1 }, 400],
      [path('premod'), { durationMinutes: 10 }, 400],
      [path('trust'), { rejectAll: true }, 400],
      [path('ban'), { rejectAll: 'yes' }, 400],
      [path('ban'), { reason: { $gt: '' } }, 400],
      [path('ban'), { extra: 1 }, 400],
      [path('exile'), {}, 400],
      [path('ban', 'not-a-uuid'), {}, 400],
      [path('ban', '3b241101-e2bb-4255-8caf-4136c566a962'), {}, 404],
    ];
    for (const [p, body, status] of cases) expect([p, body, (await sys.http.post(p).set('Authorization', moderator).send(body as object)).status]).toEqual([p, body, status]);
    await sys.http.get('/moderation/commenters/3b241101-e2bb-4255-8caf-4136c566a962').set('Authorization', moderator).expect(404);
    expect((await sys.http.get(`/moderation/commenters/${commenterId}`).set('Authorization', moderator).expect(200)).body).toMatchObject({ standing: 'normal', history: [] });
  });
});

describe('role matrix (no token, reader, moderator, admin)', () => {
  it('every bulk and commenter endpoint is for moderators and admins only', async () => {
    const r = await publishedReply();
    const { batchId } = (await sys.http.post('/moderation/bulk').set('Authorization', moderator).send({ action: 'approve', replyIds: [r.id] }).expect(202)).body;
    await finished(batchId, 'completed');
    const routes: [string, string, object, number][] = [
      ['post', '/moderation/bulk', { action: 'approve', replyIds: [r.id] }, 202],
      ['get', `/moderation/batches/${batchId}`, {}, 200],
      ['get', `/moderation/commenters/${r.commenterId}`, {}, 200],
      ['post', `/moderation/commenters/${r.commenterId}/trust`, {}, 200],
    ];
    for (const [method, path, body, ok] of routes) {
      const call = (auth?: string) => {
        const req = method === 'get' ? sys.http.get(path) : sys.http.post(path).send(body);
        return (auth ? req.set('Authorization', auth) : req).then((res) => res.status);
      };
      expect([path, await call(), await call(newReader()), await call(`Bearer ${tokenFor(sys.config, 'reader', 'x', 'x')}x`)]).toEqual([path, 401, 403, 401]);
      expect([path, await call(moderator), await call(admin)]).toEqual([path, ok, ok]);
    }
    for (const auth of [undefined, newReader()]) {
      const req = sys.http.post(`/moderation/batches/${batchId}/undo`);
      expect((await (auth ? req.set('Authorization', auth) : req)).status).toBe(auth ? 403 : 401);
    }
    await sys.http.post(`/moderation/batches/${batchId}/undo`).set('Authorization', admin).expect(202);
  });
});

const profile = async (id: string) => (await sys.http.get(`/moderation/commenters/${id}`).set('Authorization', moderator).expect(200)).body;

describe('races and partial failures', () => {
  it('a batch does not overwrite a decision another moderator took after the batch was requested', async () => {
    const r = await publishedReply();
    const queue = sys.app.get<Queue>(getQueueToken(MODERATION_QUEUE));
    await queue.pause();
    let batchId = '';
    try {
      batchId = (await sys.http.post('/moderation/bulk').set('Authorization', moderator).send({ action: 'spam', replyIds: [r.id] }).expect(202)).body.batchId;
      // Meanwhile another moderator reads the reply and rejects it as abuse (not spam), If-Match and all.
      await sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', otherModerator).set('If-Match', `"${r.version}"`).send({ reason: 'abuse, not spam' }).expect(200);
    } finally {
      await queue.resume();
    }
    await eventually(async () => expect((await batch(batchId)).state).toBe('completed'), 20_000);
    // The batch's author never saw that rejection: the batch leaves it.
    const decisions = (await sys.app.get<EventStore>(EVENT_STORE).load<ReplyEvent>(`reply-${r.id}`)).events.map((e) => e.event).filter((e) => e.type === 'reply.moderated');
    expect(decisions.map((e) => [e.data.action, e.data.status, e.data.batchId])).toEqual([['reject', 'rejected', null]]);
  });

  it('a commenter\'s standing history stays whole once their stream has a snapshot (20 events)', async () => {
    const { commenterId } = await publishedReply();
    for (let i = 0; i < 21; i++) {
      await sys.http.post(`/moderation/commenters/${commenterId}/${i % 2 === 0 ? 'premod' : 'trust'}`).set('Authorization', moderator).send({ reason: `round ${i}` }).expect(200);
    }
    await new Promise((r) => setTimeout(r, 300)); // the snapshot is written in the background
    await profile(commenterId);
    await new Promise((r) => setTimeout(r, 300));
    expect((await profile(commenterId)).history).toHaveLength(21);
  });

  it.each([
    ['control: no snapshot', 2, '0a1c2a7e-2b1d-4c55-9a3e-0d8f6b7a9c10'],
    ['with a snapshot', 19, '6f1c2a7e-2b1d-4c55-9a3e-0d8f6b7a9c10'],
  ])('a ban whose batch the API did not record still rejects their replies (%s)', async (_label, changes, batchId) => {
    const author = newReader();
    const r = await publishedReply(author);
    const { commenterId } = r;
    for (let i = 0; i < changes; i++) {
      await sys.http.post(`/moderation/commenters/${commenterId}/${i % 2 === 0 ? 'premod' : 'trust'}`).set('Authorization', moderator).send({}).expect(200);
    }
    const queue = sys.app.get<Queue>(getQueueToken(MODERATION_QUEUE));
    await queue.pause();
    try {
      // The API records the ban naming its batch, then stops before recording the batch.
      const aggregates = sys.app.get(Aggregates);
      const { commenter, stream } = await aggregates.commenter(commenterId);
      commenter.changeStanding({ standing: 'banned', reason: 'abuse', rejectAllBatchId: batchId }, new Date(now));
      await aggregates.store.append(stream, commenter.pullEvents(), { actor: { kind: 'moderator', id: 'mod-1', name: 'Mo' }, correlationId: batchId, causationId: null });
      expect(stream.streamId).toBe(Commenter.streamId(commenterId));
      // Loading the commenter now (as a submission does) snapshots the stream, ban included.
      await aggregates.commenter(commenterId);
      await new Promise((res) => setTimeout(res, 300));
    } finally {
      await queue.resume();
    }
    // The job finds the ban in the whole stream (not only past the snapshot) and requests its batch.
    await eventually(async () => expect((await sys.http.get(`/moderation/batches/${batchId}`).set('Authorization', moderator)).status).toBe(200), 15_000);
    await eventually(async () => expect((await detail(r.id)).status).toBe('rejected'), 15_000);
  });
});
