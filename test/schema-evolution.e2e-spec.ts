import { DOMAIN_UPCASTERS, FlagEvent } from '@app/domain';
import { EVENT_STORE, EventStore, MongoLogReader, PersonalDataCipher, UpcasterRegistry } from '@app/event-store';
import { liveProjections, liveViewNames, verifyViews } from '@app/read-models';
import { randomBytes, randomUUID } from 'node:crypto';
import { eventually, RELAXED_POLICY, SEED_ARTICLE_ID, startSystem, System, tokenFor } from './support/system';

/** A store holding `reply.flagged` at schema 1 (from before the policy stream) next to schema 2 flags. */
const A = SEED_ARTICLE_ID;
let sys: System;
let moderator: string;

beforeAll(async () => {
  sys = await startSystem({ env: { MODERATION_POLICY: RELAXED_POLICY } });
  moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'mod-1', 'Mo')}`;
});
afterAll(() => sys.stop());

const reader = () => {
  const sub = `r-${randomBytes(4).toString('hex')}`;
  return `Bearer ${tokenFor(sys.config, 'reader', sub, sub)}`;
};

it('flags stored at schema 1 count as they did (to 3), beside new ones, and every view rebuilds to what is live', async () => {
  const { id } = (await sys.http.post(`/articles/${A}/replies`).set('Authorization', reader()).send({ body: 'a reply old flags were raised on' }).expect(202)).body;
  await eventually(async () => expect((await sys.http.get(`/replies/${id}`).set('Authorization', moderator).expect(200)).body.status).toBe('published'), 20_000);
  // Two readers' flags as a store from before the policy stream holds them: schema 1, no policy.
  const commenters: string[] = [];
  for (let i = 0; i < 2; i++) {
    const own = (await sys.http.post(`/articles/${A}/replies`).set('Authorization', reader()).send({ body: `an earlier reader ${i}` }).expect(202)).body.id;
    commenters.push((await sys.http.get(`/replies/${own}`).set('Authorization', moderator).expect(200)).body.commenterId);
  }
  const store = sys.app.get<EventStore>(EVENT_STORE);
  for (const commenterId of commenters) {
    const v1 = { type: 'reply.flagged', schemaVersion: 1, data: { replyId: id, articleId: A, commenterId, reason: 'spam', note: null, flaggedAt: new Date().toISOString() } };
    await store.append({ streamId: `flag-${id}-${commenterId}`, version: 0, head: null }, [v1], { actor: { kind: 'reader', id: commenterId, name: '' }, correlationId: randomUUID(), causationId: null });
  }
  // Read back, it is schema 2 with the policy it was counted under.
  const stored = await store.load<FlagEvent>(`flag-${id}-${commenters[0]}`);
  expect(stored.events[0].event).toMatchObject({ schemaVersion: 2, data: { policy: { version: null, flagThreshold: 3, hideAtThreshold: false } } });

  const queue = async () => (await sys.http.get('/moderation/queues/reported?limit=100').set('Authorization', moderator).expect(200)).body.items.map((i: { id: string }) => i.id);
  await new Promise((r) => setTimeout(r, 1_000));
  expect(await queue()).not.toContain(id);
  // A third flag, from today's API (schema 2, the relaxed policy's threshold of 3): reported.
  await sys.http.post(`/replies/${id}/flags`).set('Authorization', reader()).send({ reason: 'abuse' }).expect(201);
  await eventually(async () => expect(await queue()).toContain(id), 20_000);

  const report = await verifyViews(sys.db, new MongoLogReader(sys.db, new UpcasterRegistry(DOMAIN_UPCASTERS), sys.app.get(PersonalDataCipher)), liveProjections(), liveViewNames());
  expect(report.differences).toEqual([]);
  expect(report.documents).toBeGreaterThan(5);
});
