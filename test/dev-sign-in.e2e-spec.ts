import { startSystem, System, tokenFor } from './support/system';

let off: System;
let on: System;

beforeAll(async () => {
  // Without DEV_SIGN_IN (the default), and with it set explicitly.
  [off, on] = await Promise.all([startSystem({ worker: false }), startSystem({ worker: false, env: { DEV_SIGN_IN: 'true' } })]);
}, 60_000);
afterAll(async () => {
  await off?.stop();
  await on?.stop();
});

const signIn = (sys: System, body: unknown, auth?: string) => {
  const req = sys.http.post('/dev/sign-in').set('Content-Type', 'application/json');
  if (auth) req.set('Authorization', auth);
  return req.send(typeof body === 'string' ? body : JSON.stringify(body));
};
const commits = (sys: System) => sys.db.collection('commits').countDocuments({});

describe('the development sign-in', () => {
  it('does not exist unless DEV_SIGN_IN=true: 404 for every caller and any body, and the console page offers none', async () => {
    const before = await commits(off);
    for (const auth of [undefined, `Bearer ${tokenFor(off.config, 'reader')}`, `Bearer ${tokenFor(off.config, 'moderator')}`, `Bearer ${tokenFor(off.config, 'admin')}`]) {
      for (const body of [{ role: 'admin', name: 'Ada' }, { role: 'root' }, '[]']) {
        const res = await signIn(off, body, auth);
        expect([auth, body, res.status]).toEqual([auth, body, 404]);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.body.token).toBeUndefined();
      }
    }
    const page = await off.http.get('/moderation').expect(200);
    expect(page.text).toContain('data-dev-sign-in="false"');
    expect(await commits(off)).toBe(before);
  });

  it('with DEV_SIGN_IN=true, mints a token for the role asked, which the API then honours as that role (role matrix)', async () => {
    const page = await on.http.get('/moderation').expect(200);
    expect(page.text).toContain('data-dev-sign-in="true"');
    for (const [role, queues, policy] of [
      ['reader', 403, 403],
      ['moderator', 200, 403],
      ['admin', 200, 200],
    ] as const) {
      // Anyone may ask, signed in or not: it is a development tool.
      const minted = await signIn(on, { role, name: 'Mo Derator' }, role === 'admin' ? `Bearer ${tokenFor(on.config, 'reader')}` : undefined).expect(201);
      expect(minted.body).toMatchObject({ role, name: 'Mo Derator', sub: 'dev-mo-derator', expiresIn: '8h' });
      const bearer = `Bearer ${minted.body.token}`;
      expect([role, (await on.http.get('/moderation/queues').set('Authorization', bearer)).status]).toEqual([role, queues]);
      expect([role, (await on.http.get('/admin/policy').set('Authorization', bearer)).status]).toEqual([role, policy]);
    }
  });

  it('refuses hostile input with a clear 400 naming the field', async () => {
    const cases: [unknown, string | null][] = [
      [{ role: 'root', name: 'Mo' }, 'role'],
      [{ role: ['admin'], name: 'Mo' }, 'role'],
      [{ role: { $ne: null }, name: 'Mo' }, 'role'],
      [{ role: null, name: 'Mo' }, 'role'],
      [{ role: 'constructor', name: 'Mo' }, 'role'],
      [{ role: 'admin' }, 'name'],
      [{ role: 'admin', name: '' }, 'name'],
      [{ role: 'admin', name: '\u200b\u200b' }, 'name'],
      [{ role: 'admin', name: 'Mo\u0000' }, 'name'],
      [{ role: 'admin', name: 'Mo\nDerator' }, 'name'],
      [{ role: 'admin', name: '<script>' }, 'name'],
      [{ role: 'admin', name: 'x'.repeat(61) }, 'name'],
      [{ role: 'admin', name: ['Mo'] }, 'name'],
      [{ role: 'admin', name: 'Mo', sub: 'mod-1' }, 'sub'],
      [{ role: 'admin', name: 'Mo', exp: 99999999999 }, 'exp'],
      ['[]', null],
      ['"admin"', null],
      ['null', null],
      ['{"role":"admin","name":', null],
      [{ role: 'admin', name: 'Mo', a: { b: { c: { d: { e: { f: { g: { h: { i: { j: { k: {} } } } } } } } } } } }, null],
    ];
    for (const [body, field] of cases) {
      const res = await signIn(on, body);
      expect([body, res.status]).toEqual([body, 400]);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.body.token).toBeUndefined();
      if (field) expect([body, res.body.errors?.map((e: { field: string }) => e.field)]).toEqual([body, expect.arrayContaining([field])]);
    }
  });
});
