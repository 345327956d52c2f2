import { createHmac } from 'node:crypto';
import { SEED_ARTICLE_ID, startSystem, System, tokenFor } from './support/system';

const A = SEED_ARTICLE_ID;
let sys: System;
let reader: string;
let admin: string;

beforeAll(async () => {
  sys = await startSystem({ worker: false });
  reader = `Bearer ${tokenFor(sys.config, 'reader', 'rita', 'Rita')}`;
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
});
afterAll(() => sys.stop());

const commitCount = () => sys.db.collection('commits').countDocuments({});

/** Each case must answer `status` as problem+json and leave the event store as it was. */
async function refused(send: () => Promise<{ status: number; body: { status?: number; errors?: { field: string }[] }; headers: Record<string, string> }>, status: number, field?: string) {
  const before = await commitCount();
  const res = await send();
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  expect(res.body.status).toBe(status);
  if (field) expect(res.body.errors?.map((e) => e.field)).toContain(field);
  expect(await commitCount()).toBe(before);
  return res;
}

/** `auth` '' posts as a guest, with no Authorization header. */
function post(body: unknown, auth = reader) {
  const req = sys.http.post(`/articles/${A}/replies`).set('Content-Type', 'application/json');
  if (auth) req.set('Authorization', auth);
  return req.send(typeof body === 'string' ? body : JSON.stringify(body));
}

describe('bad input gets a clear error and stores nothing', () => {
  it('empty and whitespace-only text: 400 naming body', async () => {
    await refused(() => post({ body: '' }), 400, 'body');
    await refused(() => post({ body: ' \n\t ' }), 400, 'body');
  });

  it('a reply over 5,000 characters: 400', async () => {
    await refused(() => post({ body: 'x'.repeat(5001) }), 400, 'body');
  });

  it('a request over 64 KiB: 413', async () => {
    await refused(() => post({ body: 'x'.repeat(70 * 1024) }), 413);
  });

  it('unknown fields: 400 naming each', async () => {
    const res = await refused(() => post({ body: 'hi', status: 'published', extra: 1 }), 400, 'status');
    expect(res.body.errors!.map((e) => e.field)).toContain('extra');
  });

  it('wrong types: 400', async () => {
    await refused(() => post({ body: 42 }), 400, 'body');
    await refused(() => post({ body: ['a'] }), 400, 'body');
    await refused(() => post({ body: 'ok', parentId: 7 }), 400, 'parentId');
  });

  it('MongoDB operators inside JSON values or as keys: 400', async () => {
    await refused(() => post({ body: { $gt: '' } }), 400, 'body');
    await refused(() => post({ body: 'hi', parentId: { $ne: null } }), 400, 'parentId');
    await refused(() => post({ body: 'hi', $where: '1' }), 400, '$where');
    await refused(() => post({ body: 'hi', author: { name: 'x', email: { $regex: '.*' } } }, ''), 400, 'author.email');
  });

  it('malformed JSON: 400', async () => {
    await refused(() => post('{"body": "unterminated'), 400);
  });

  it('invalid ids: 400', async () => {
    await refused(() => sys.http.post('/articles/NOT_AN_ID!/replies').set('Authorization', reader).send({ body: 'hi' }), 400, 'id');
    await refused(() => post({ body: 'hi', parentId: 'zzz' }), 400, 'parentId');
    await refused(() => sys.http.get('/replies/123').send(), 400, 'id');
  });

  it('unknown article or parent reply: 404', async () => {
    await refused(() => sys.http.post('/articles/no-such-article/replies').set('Authorization', reader).send({ body: 'hi' }), 404);
    await refused(() => post({ body: 'hi', parentId: 'a'.repeat(24) }), 404);
    await refused(() => sys.http.get('/articles/no-such-article/replies').send(), 404);
  });

  it('a reply to a reply in another article: 400', async () => {
    await sys.http.post('/articles').set('Authorization', admin).send({ id: 'other-article', title: 'Other', author: 'E', category: 'News', body: ['p'] }).expect(202);
    const parent = await sys.http.post('/articles/other-article/replies').set('Authorization', reader).send({ body: 'over there' }).expect(202);
    await refused(() => post({ body: 'here', parentId: parent.body.id }), 400, 'parentId');
  });

  it('past the maximum depth: 422', async () => {
    await sys.http.post('/articles').set('Authorization', admin).send({ id: 'shallow', title: 'Shallow', author: 'E', category: 'News', body: ['p'], settings: { maxDepth: 2 } }).expect(202);
    const one = await sys.http.post('/articles/shallow/replies').set('Authorization', reader).send({ body: 'one' }).expect(202);
    const two = await sys.http.post('/articles/shallow/replies').set('Authorization', reader).send({ body: 'two', parentId: one.body.id }).expect(202);
    await refused(() => sys.http.post('/articles/shallow/replies').set('Authorization', reader).send({ body: 'three', parentId: two.body.id }), 422, 'parentId');
  });

  it('a guest without name and email, or a signed-in reader with them: 400', async () => {
    await refused(() => post({ body: 'hi' }, ''), 400, 'author');
    await refused(() => post({ body: 'hi', author: { name: 'x', email: 'not-an-email' } }, ''), 400, 'author.email');
    await refused(() => post({ body: 'hi', author: { name: 'x', email: 'x@example.org' } }), 400, 'author');
  });

  it('closed replies and guests where not allowed: 422', async () => {
    await sys.http.post('/articles').set('Authorization', admin).send({ id: 'closing', title: 'Closing', author: 'E', category: 'News', body: ['p'], settings: { guestsAllowed: false } }).expect(202);
    await refused(() => sys.http.post('/articles/closing/replies').send({ body: 'hi', author: { name: 'G', email: 'g@example.org' } }), 422);
    await sys.http.patch('/articles/closing/settings').set('Authorization', admin).send({ open: false }).expect(200);
    await refused(() => sys.http.post('/articles/closing/replies').set('Authorization', reader).send({ body: 'hi' }), 422);
  });

  it('credentials: none where needed 401, a bad token 401, the wrong role 403', async () => {
    await refused(() => sys.http.post('/articles').send({ title: 'x', author: 'x', category: 'x', body: ['x'] }), 401);
    await refused(() => post({ body: 'hi' }, 'Bearer not.a.token'), 401);
    const forged = tokenFor({ ...sys.config, JWT_SECRET: 'another-secret-of-enough-length' } as never, 'admin');
    await refused(() => sys.http.post('/articles').set('Authorization', `Bearer ${forged}`).send({ title: 'x', author: 'x', category: 'x', body: ['x'] }), 401);
    await refused(() => sys.http.post('/articles').set('Authorization', reader).send({ title: 'x', author: 'x', category: 'x', body: ['x'] }), 403);
    await refused(() => sys.http.patch(`/articles/${A}/settings`).set('Authorization', reader).send({ open: false }), 403);
  });

  it('bad paging parameters: 400', async () => {
    await refused(() => sys.http.get(`/articles/${A}/replies?sort=best`).send(), 400, 'sort');
    await refused(() => sys.http.get(`/articles/${A}/replies?limit=0`).send(), 400, 'limit');
    await refused(() => sys.http.get(`/articles/${A}/replies?cursor=garbage`).send(), 400, 'cursor');
  });
});

/** A token signed with the right secret, carrying exactly these claims (signed by hand: the library would refuse some). */
function signed(claims: Record<string, unknown>): string {
  const part = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const unsigned = `${part({ alg: 'HS256', typ: 'JWT' })}.${part(claims)}`;
  return `Bearer ${unsigned}.${createHmac('sha256', sys.config.JWT_SECRET).update(unsigned).digest('base64url')}`;
}
const inAnHour = () => Math.floor(Date.now() / 1000) + 3600;

describe('tokens are refused unless every claim is sound', () => {
  it.each(['constructor', 'toString', '__proto__', 'hasOwnProperty', 'valueOf', 'guest', 'Admin', ''])('role %j: 401', async (role) => {
    const token = signed({ sub: 'mallory', name: 'M', role, exp: inAnHour() });
    await refused(() => post({ body: 'hi' }, token), 401);
    await refused(() => sys.http.patch(`/articles/${A}/settings`).set('Authorization', token).send({ open: false }), 401);
  });

  it('a role that is not a string: 401', async () => {
    await refused(() => post({ body: 'hi' }, signed({ sub: 'm', role: ['admin'], exp: inAnHour() })), 401);
    await refused(() => post({ body: 'hi' }, signed({ sub: 'm', role: { admin: true }, exp: inAnHour() })), 401);
  });

  it('no exp, a non-numeric exp, an expired token or one not yet valid: 401', async () => {
    await refused(() => post({ body: 'hi' }, signed({ sub: 'rita', role: 'reader' })), 401);
    await refused(() => post({ body: 'hi' }, signed({ sub: 'rita', role: 'reader', exp: 'tomorrow' })), 401);
    await refused(() => post({ body: 'hi' }, signed({ sub: 'rita', role: 'reader', exp: Math.floor(Date.now() / 1000) - 60 })), 401);
    await refused(() => post({ body: 'hi' }, signed({ sub: 'rita', role: 'reader', exp: inAnHour(), nbf: inAnHour() - 60 })), 401);
  });

  it('a sound token with exp still passes', async () => {
    await post({ body: 'signed and current' }, signed({ sub: 'rita', role: 'reader', exp: inAnHour() })).expect(202);
  });
});

describe('JSON nested too deep, or with a __proto__ key: 400, never 500', () => {
  const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it.each([40, 3000, 30000])('%i levels', async (depth) => {
    await refused(() => post(`{"body":"hi","extra":${nested(depth)}}`), 400);
    await refused(() => post(`{"body":"hi","author":{"name":${nested(depth)},"email":"g@example.org"}}`, ''), 400);
    await refused(() => sys.http.patch(`/articles/${A}/settings`).set('Authorization', admin).set('Content-Type', 'application/json').send(`{"open":${nested(depth)}}`), 400);
  });

  it('deep objects too', async () => {
    await refused(() => post(`{"body":"hi","x":${'{"a":'.repeat(3000)}1${'}'.repeat(3000)}}`), 400);
  });

  it('prototype keys are unknown fields, not a way in', async () => {
    await refused(() => post('{"body":"hi","__proto__":{"status":"published"}}'), 400);
    await refused(() => post('{"body":"hi","constructor":{"prototype":{"x":1}}}'), 400, 'constructor');
    await refused(() => post('{"body":"hi","author":{"name":"G","email":"g@example.org","__proto__":{"x":1}}}', ''), 400);
  });
});

describe('an array, null or a scalar where an object belongs: 400 naming the field', () => {
  const guest = { name: 'Gia', email: 'gia@example.org' };
  const article = (settings: unknown) => ({ id: 'shape-test', title: 'Shape', author: 'E', category: 'News', body: ['p'], settings });

  it.each([[[]], [[guest]], [null], ['Gia'], [7]])('guest author %j', async (author) => {
    await refused(() => post({ body: 'hi', author }, ''), 400, 'author');
  });

  it.each([[[]], [[{ open: false }]], [null], ['closed'], [true]])('article settings %j', async (settings) => {
    await refused(() => sys.http.post('/articles').set('Authorization', admin).send(article(settings)), 400, 'settings');
  });

  it('a whole body that is an array', async () => {
    await refused(() => post([{ body: 'hi' }]), 400);
    await refused(() => sys.http.patch(`/articles/${A}/settings`).set('Authorization', admin).set('Content-Type', 'application/json').send('[{"open":false}]'), 400);
    await refused(() => sys.http.patch(`/articles/${A}/settings`).set('Authorization', admin).set('Content-Type', 'application/json').send('[]'), 400);
  });
});

describe('null where a value is required: 400 naming the field', () => {
  it('each reply setting', async () => {
    const settings = { open: null, guestsAllowed: null, moderation: null, editWindowMinutes: null, maxDepth: null };
    const res = await refused(() => sys.http.patch(`/articles/${A}/settings`).set('Authorization', admin).send(settings), 400, 'open');
    expect(res.body.errors!.map((e) => e.field)).toEqual(expect.arrayContaining(Object.keys(settings)));
    await refused(() => sys.http.post('/articles').set('Authorization', admin).send({ id: 'nulls', title: 'N', author: 'E', category: 'News', body: ['p'], settings: { open: null } }), 400, 'settings.open');
    // The article still takes replies: nothing closed it.
    await post({ body: 'still open' }).expect(202);
  });

  it('article fields, reply fields and guest fields', async () => {
    await refused(() => sys.http.post('/articles').set('Authorization', admin).send({ id: null, title: 'N', author: 'E', category: 'News', body: ['p'] }), 400, 'id');
    await refused(() => sys.http.post('/articles').set('Authorization', admin).send({ title: 'N', author: 'E', category: 'News', body: [null] }), 400, 'body');
    await refused(() => post({ body: null }), 400, 'body');
    await refused(() => post({ body: 'hi', parentId: null }), 400, 'parentId');
    await refused(() => post({ body: 'hi', author: { name: null, email: 'g@example.org' } }, ''), 400, 'author.name');
  });
});

describe('text must show something and carry no control characters', () => {
  const invisible = ['\u200b\u200c\u200d', '\u2060', '\ufeff', '\u202a\u202e', '\u2066\u2069', '\u200e\u200f', '\u0000', '\u0001\u001f', '\u0085\u009f', '\u3164', '\u2800', ' \u200b\n\t'];

  it.each(invisible.map((t) => [JSON.stringify(t), t]))('a reply body of only %s: 400', async (_, text) => {
    await refused(() => post({ body: text }), 400, 'body');
  });

  it('NUL and other controls inside otherwise fine text: 400', async () => {
    await refused(() => post({ body: 'fine\u0000text' }), 400, 'body');
    await refused(() => post({ body: 'bell\u0007here' }), 400, 'body');
    await refused(() => post({ body: 'esc\u001b[31m red' }), 400, 'body');
  });

  it('an edit to invisible text: 400, the reply unchanged', async () => {
    const { id } = (await post({ body: 'visible words' }).expect(202)).body;
    await refused(() => sys.http.patch(`/replies/${id}`).set('Authorization', reader).send({ body: '\u200b\u2060' }), 400, 'body');
    await refused(() => sys.http.patch(`/replies/${id}`).set('Authorization', reader).send({ body: 'a\u0000b' }), 400, 'body');
    // No worker runs here: the reply stays `checking`, so its text is for its author (and staff).
    expect((await sys.http.get(`/replies/${id}`).set('Authorization', reader).expect(200)).body.body).toBe('visible words');
  });

  it('a guest name of only invisible characters or with a line break: 400', async () => {
    await refused(() => post({ body: 'hi', author: { name: '\u200b\u200b', email: 'g@example.org' } }, ''), 400, 'author.name');
    await refused(() => post({ body: 'hi', author: { name: '\u202e', email: 'g@example.org' } }, ''), 400, 'author.name');
    await refused(() => post({ body: 'hi', author: { name: 'Da\nna', email: 'g@example.org' } }, ''), 400, 'author.name');
  });

  it('article title, author, category and paragraphs', async () => {
    const res = await refused(
      () => sys.http.post('/articles').set('Authorization', admin).send({ id: 'invisible', title: '\u200b', author: '\u202e', category: '\ufeff', body: ['fine', '\u2060'] }),
      400,
      'title',
    );
    expect(res.body.errors!.map((e) => e.field)).toEqual(expect.arrayContaining(['title', 'author', 'category', 'body']));
    await refused(() => sys.http.post('/articles').set('Authorization', admin).send({ id: 'controls', title: 'Tab\there', author: 'E', category: 'News', body: ['p'] }), 400, 'title');
  });

  it('ordinary text in any script, emoji, line breaks and bidi marks inside text still pass', async () => {
    for (const body of ['👍', 'مرحبا بالعالم', '日本語のコメント', 'first line\nsecond\tcolumn\r\nthird', 'He said \u2067مرحبا\u2069 twice', '…', '1']) {
      const res = await post({ body }).expect(202);
      // Still `checking` (no worker here): its author reads back what was stored.
      expect((await sys.http.get(`/replies/${res.body.id}`).set('Authorization', reader).expect(200)).body.body).toBe(body.trim());
    }
    await post({ body: 'hi', author: { name: 'Zoë 🌻', email: 'zoe@example.org' } }, '').expect(202);
  });
});

describe('hostile values and headers', () => {
  it('operators and very long strings in every field', async () => {
    await refused(() => sys.http.patch(`/articles/${A}/settings`).set('Authorization', admin).send({ open: { $ne: null } }), 400, 'open');
    await refused(() => sys.http.patch(`/articles/${A}/settings`).set('Authorization', admin).send({ moderation: { $in: ['pre'] } }), 400, 'moderation');
    await refused(() => post({ body: 'hi', author: { name: { $gt: '' }, email: 'g@example.org' } }, ''), 400, 'author.name');
    await refused(() => post({ body: 'hi', author: { name: 'x'.repeat(81), email: 'g@example.org' } }, ''), 400, 'author.name');
    await refused(() => post({ body: 'hi', author: { name: 'G', email: `${'x'.repeat(250)}@example.org` } }, ''), 400, 'author.email');
    await refused(() => sys.http.post('/articles').set('Authorization', admin).send({ title: 'x'.repeat(301), author: 'E', category: 'News', body: ['p'] }), 400, 'title');
  });

  it('Idempotency-Key: too long, with spaces, or sent twice: 400 naming it', async () => {
    await refused(() => post({ body: 'hi' }).set('Idempotency-Key', 'k'.repeat(201)), 400, 'Idempotency-Key');
    await refused(() => post({ body: 'hi' }).set('Idempotency-Key', 'two words'), 400, 'Idempotency-Key');
    await refused(() => post({ body: 'hi' }).set('Idempotency-Key', ['one', 'two'] as unknown as string), 400, 'Idempotency-Key');
  });

  it('an edit token sent twice or absurdly long is just a wrong token: 403', async () => {
    const res = await post({ body: 'mine', author: { name: 'Gil', email: 'gil@example.org' } }, '').expect(202);
    await refused(() => sys.http.patch(`/replies/${res.body.id}`).set('X-Edit-Token', [res.body.editToken, res.body.editToken] as unknown as string).send({ body: 'x' }), 403);
    await refused(() => sys.http.patch(`/replies/${res.body.id}`).set('X-Edit-Token', 't'.repeat(8000)).send({ body: 'x' }), 403);
  });

  it('a bearer token sent twice or in pieces: 401', async () => {
    await refused(() => post({ body: 'hi' }, `${reader} extra`), 401);
    await refused(() => post({ body: 'hi' }, `Basic ${Buffer.from('a:b').toString('base64')}`), 401);
  });
});
