import { randomUUID } from 'node:crypto';
import { startSystem, System, tokenFor } from './support/system';

let sys: System;
let alice: string;
let admin: string;
const ARTICLE = 'keys-article';

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  alice = `Bearer ${tokenFor(sys.config, 'reader', 'alice', 'Alice')}`;
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
  await sys.http.post('/articles').set('Authorization', admin).send({ id: ARTICLE, title: 'Keys', author: 'E', category: 'News', body: ['p'] }).expect(202);
});
afterAll(() => sys.stop());

const commitCount = () => sys.db.collection('commits').countDocuments({});
const dana = { name: 'Dana', email: 'dana@example.org' };

function submit(key: string, body: Record<string, unknown>, auth = alice, article = ARTICLE) {
  const req = sys.http.post(`/articles/${article}/replies`).set('Idempotency-Key', key);
  if (auth) req.set('Authorization', auth);
  return req.send(body);
}

/** The same key with another request: 422 naming Idempotency-Key, and nothing stored. */
async function refusedReuse(send: () => PromiseLike<{ status: number; body: { status?: number; errors?: { field: string }[] }; headers: Record<string, string> }>) {
  const before = await commitCount();
  const res = await send();
  expect(res.status).toBe(422);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.errors?.map((e) => e.field)).toEqual(['Idempotency-Key']);
  expect(await commitCount()).toBe(before);
}

describe('an Idempotency-Key replays only the identical request', () => {
  it('the same body (after trimming) gets the first answer and stores nothing', async () => {
    const key = randomUUID();
    const first = await submit(key, { body: 'once only' }).expect(202);
    const before = await commitCount();
    const again = await submit(key, { body: '  once only\n' }).expect(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.location).toBe(first.headers.location);
    expect(await commitCount()).toBe(before);
  });

  it('another body, another parent, or a parent added: 422', async () => {
    const key = randomUUID();
    const first = await submit(key, { body: 'the first words' }).expect(202);
    await refusedReuse(() => submit(key, { body: 'other words' }));
    await refusedReuse(() => submit(key, { body: 'the first words', parentId: first.body.id }));
    const parentKey = randomUUID();
    await submit(parentKey, { body: 'an answer', parentId: first.body.id }).expect(202);
    await refusedReuse(() => submit(parentKey, { body: 'an answer' }));
    // No worker runs here, so the reply stays `checking`: its author sees its latest text.
    expect((await sys.http.get(`/replies/${first.body.id}`).set('Authorization', alice).expect(200)).body.body).toBe('the first words');
  });

  it("a guest's retry must match email and name", async () => {
    const key = randomUUID();
    const first = await submit(key, { body: 'guest words', author: dana }, '').expect(202);
    // The email is compared as it is hashed: lower-cased.
    const again = await submit(key, { body: 'guest words', author: { name: 'Dana', email: 'DANA@Example.org' } }, '').expect(202);
    expect(again.body).toEqual(first.body);
    await refusedReuse(() => submit(key, { body: 'guest words', author: { name: 'Mallory', email: dana.email } }, ''));
    await refusedReuse(() => submit(key, { body: 'other words', author: dana }, ''));
  });

  it('a retry still gets its first answer after the article closed, and after an edit', async () => {
    await sys.http.post('/articles').set('Authorization', admin).send({ id: 'closing-keys', title: 'Closing', author: 'E', category: 'News', body: ['p'] }).expect(202);
    const key = randomUUID();
    const first = await submit(key, { body: 'before closing' }, alice, 'closing-keys').expect(202);
    await sys.http.patch(`/replies/${first.body.id}`).set('Authorization', alice).send({ body: 'edited since' }).expect(200);
    await sys.http.patch('/articles/closing-keys/settings').set('Authorization', admin).send({ open: false }).expect(200);
    const again = await submit(key, { body: 'before closing' }, alice, 'closing-keys').expect(202);
    expect(again.body).toEqual(first.body);
    // A new key is a new reply, and the article is closed now.
    await submit(randomUUID(), { body: 'before closing' }, alice, 'closing-keys').expect(422);
  });
});

describe("a guest's edit token on a retry", () => {
  it.each([randomUUID(), randomUUID().toUpperCase(), 'qL3k8Zp_0xYv-2TnWm9aBc' + Date.now(), 'ab'.repeat(16) + Date.now()])('comes back for a strong key (%s)', async (key) => {
    const first = await submit(key, { body: 'strong key', author: dana }, '').expect(202);
    expect(first.body.editToken).toEqual(expect.any(String));
    const again = await submit(key, { body: 'strong key', author: dana }, '').expect(202);
    expect(again.body).toEqual(first.body);
  });

  it.each(['7f1c2a', `retry-${Date.now()}`, 'only_21_characters_xy'])('is left out for a weak key (%s): same id and status, no token', async (key) => {
    const first = await submit(key, { body: 'weak key', author: dana }, '').expect(202);
    expect(first.body.editToken).toEqual(expect.any(String));
    const again = await submit(key, { body: 'weak key', author: dana }, '').expect(202);
    expect(again.body).toEqual({ id: first.body.id, status: first.body.status });
    expect(again.headers.location).toBe(first.headers.location);
    // The first answer's token still works.
    await sys.http.patch(`/replies/${first.body.id}`).set('X-Edit-Token', first.body.editToken).send({ body: 'weak key, edited' }).expect(200);
  });
});
