import { LOG_READER, LogReader } from '@app/event-store';
import { REDIS } from '@app/platform';
import type Redis from 'ioredis';
import { AddressInfo } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import { openSse, SseConnection, SseEvent } from './support/sse';
import { eventually, startSystem, System, tokenFor, verdictOn } from './support/system';

let sys: System;
let port: number;
let admin: string;
let moderator: string;
let reader: string;
const ARTICLE = `live-${randomBytes(3).toString('hex')}`;
const open: SseConnection[] = [];

beforeAll(async () => {
  sys = await startSystem();
  await sys.app.listen(0, '127.0.0.1');
  port = (sys.app.getHttpServer().address() as AddressInfo).port;
  admin = `Bearer ${tokenFor(sys.config, 'admin')}`;
  moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'mod-1', 'Mo')}`;
  reader = `Bearer ${tokenFor(sys.config, 'reader', 'reader-1', 'Rea')}`;
  await sys.http.post('/articles').set('Authorization', admin).send({ id: ARTICLE, title: 'Live', author: 'E', category: 'News', body: ['p'] }).expect(202);
  await eventually(() => sys.http.get(`/articles/${ARTICLE}`).expect(200));
});
afterEach(() => open.splice(0).forEach((c) => c.close()));
afterAll(() => sys.stop());

const sse = async (path: string, headers: Record<string, string> = {}) => {
  const c = await openSse(port, path, headers);
  open.push(c);
  return c;
};
const unique = (text: string) => `${text} ${randomBytes(4).toString('hex')}`;
async function submit(body: string, auth = reader) {
  return (await sys.http.post(`/articles/${ARTICLE}/replies`).set('Authorization', auth).send({ body }).expect(202)).body as { id: string };
}
const about = (replyId: string) => (e: SseEvent) => (e.data as { id?: string; replyId?: string }).id === replyId || (e.data as { replyId?: string }).replyId === replyId;
const ids = (c: SseConnection) => c.events.filter((e) => e.id !== undefined).map((e) => Number(e.id));
const ticketKeys = async () => (await sys.app.get<Redis>(REDIS).keys(`${sys.config.QUEUE_PREFIX}:ticket:*`)).length;
const streamTicket = async (auth = moderator) => (await sys.http.post('/moderation/stream-tickets').set('Authorization', auth).expect(201)).body.ticket as string;
const dashboardTicket = async () => (await sys.http.post('/admin/queues/tickets').set('Authorization', admin).expect(201)).body.ticket as string;

describe('the article stream', () => {
  it('sends a published reply with its log position as id, and never a held one', async () => {
    const stream = await sse(`/articles/${ARTICLE}/replies/stream`);
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);

    const heldText = unique('what an idiot take');
    const held = await submit(heldText);
    expect((await verdictOn(sys, held.id)).status).toBe('pending');
    const text = unique('The council should publish the budget before the vote.');
    const published = await submit(text);

    const event = await stream.next(about(published.id));
    expect(event.event).toBe('reply');
    expect(event.data).toMatchObject({ id: published.id, status: 'published', body: text, author: { name: 'Rea' }, parentId: null, editedAt: null });
    // The id is the position of the entry that published it: the reply's verdict.
    const [entry] = await sys.app.get<LogReader>(LOG_READER).readAfter(Number(event.id) - 1, 1);
    expect(entry).toMatchObject({ position: Number(event.id), streamId: `reply-${published.id}` });
    expect(entry.events.map((e) => e.type)).toContain('reply.screened');
    // The held reply's verdict came before the published one's: had it been sent, it would be here.
    expect(stream.events.filter(about(held.id))).toEqual([]);
    expect(JSON.stringify(stream.events)).not.toContain(heldText);
  });

  it('sends a taken-down reply as a hidden placeholder without its text', async () => {
    const stream = await sse(`/articles/${ARTICLE}/replies/stream`);
    const text = unique('A reply a moderator will take down.');
    const r = await submit(text);
    await stream.next(about(r.id));
    const d = await verdictOn(sys, r.id);
    await sys.http.post(`/moderation/replies/${r.id}/reject`).set('Authorization', moderator).set('If-Match', `"${d.version}"`).send({ reason: 'Off topic' }).expect(200);
    const down = await stream.next((e) => about(r.id)(e) && (e.data as { status: string }).status !== 'published');
    expect(down.data).toMatchObject({ id: r.id, status: 'hidden', body: '', author: null });
  });

  it('resumes after Last-Event-ID with exactly the entries after it, including those sequenced while away', async () => {
    const first = await sse(`/articles/${ARTICLE}/replies/stream`);
    const r1 = await submit(unique('First, seen live.'));
    const seen = await first.next(about(r1.id));
    first.close();

    const r2 = await submit(unique('Second, while away.'));
    const r3 = await submit(unique('Third, while away.'));
    await verdictOn(sys, r2.id);
    await verdictOn(sys, r3.id);
    await eventually(async () => {
      const head = await sys.app.get<LogReader>(LOG_READER).readAfter(Number(seen.id), 1000);
      expect(head.some((e) => e.streamId === `reply-${r3.id}` && e.events.some((ev) => ev.type === 'reply.screened'))).toBe(true);
    });

    const byHeader = await sse(`/articles/${ARTICLE}/replies/stream`, { 'Last-Event-ID': seen.id! });
    const byQuery = await sse(`/articles/${ARTICLE}/replies/stream?lastEventId=${seen.id}`);
    for (const resumed of [byHeader, byQuery]) {
      await resumed.next(about(r2.id));
      await resumed.next(about(r3.id));
      expect(resumed.events.filter(about(r1.id))).toEqual([]);
      const positions = ids(resumed);
      expect(positions.every((p) => p > Number(seen.id))).toBe(true);
      expect([...positions].sort((a, b) => a - b)).toEqual(positions);
      expect(new Set(positions).size).toBe(positions.length);
    }
    // Both resumed from the same point, so both got the same events.
    await eventually(async () => expect(ids(byQuery)).toEqual(ids(byHeader)));
    expect(byQuery.events.map((e) => e.data)).toEqual(byHeader.events.map((e) => e.data));
  });

  it('answers reset for a Last-Event-ID the log does not have, and 400 for one that is not a position', async () => {
    const ahead = await sse(`/articles/${ARTICLE}/replies/stream`, { 'Last-Event-ID': '999999999999' });
    const reset = await ahead.next((e) => e.event === 'reset');
    expect(Number(reset.id)).toBeLessThan(999999999999);
    for (const bad of ['abc', '-1', '1e3', '9'.repeat(40)]) {
      const res = await sse(`/articles/${ARTICLE}/replies/stream`, { 'Last-Event-ID': bad });
      expect(res.status).toBe(400);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    await sys.http.get(`/articles/${ARTICLE}/replies/stream?lastEventId=1&lastEventId=2`).expect(400);
  });

  it('answers 404 problem for an unknown article and 400 for a malformed id, before any stream', async () => {
    const unknown = await sse('/articles/no-such-article/replies/stream');
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.body)).toMatchObject({ status: 404 });
    const bad = await sse(`/articles/${'A'.repeat(300)}/replies/stream`);
    expect(bad.status).toBe(400);
  });
});

describe('the moderation stream', () => {
  it('sends queue changes to a moderator with a valid ticket, and the ticket works for admins too', async () => {
    const stream = await sse(`/moderation/stream?ticket=${await streamTicket()}`);
    expect(stream.status).toBe(200);
    const asAdmin = await sse(`/moderation/stream?ticket=${await streamTicket(admin)}`);
    expect(asAdmin.status).toBe(200);
    const text = unique('what an idiot take');
    const held = await submit(text);
    const change = await stream.next(about(held.id));
    expect(change.event).toBe('queue');
    expect(change.data).toMatchObject({ replyId: held.id, articleId: ARTICLE, change: 'screened', status: 'pending', previousStatus: 'checking', queues: ['pending'] });
    expect(JSON.stringify(change.data)).not.toContain(text);
    await asAdmin.next(about(held.id));
  });

  it('refuses expired, forged, missing and other-purpose tickets with 401', async () => {
    const redis = sys.app.get<Redis>(REDIS);
    const expired = await streamTicket();
    await redis.del(`${sys.config.QUEUE_PREFIX}:ticket:moderation-stream:${createHash('sha256').update(expired).digest('base64url')}`);
    const forged = randomBytes(32).toString('base64url');
    const forDashboard = await dashboardTicket();
    for (const t of [expired, forged, forDashboard, 'x', '']) {
      const res = await sse(`/moderation/stream?ticket=${encodeURIComponent(t)}`);
      expect(res.status).toBe(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect((await sse('/moderation/stream')).status).toBe(401);
    // A bearer token does not open it either: the ticket is the credential.
    expect((await sse('/moderation/stream', { authorization: moderator })).status).toBe(401);
    // A stream ticket does not open the dashboard.
    await sys.http.get(`/admin/queues?ticket=${await streamTicket()}`).expect(401);
  });

  it('lets a stream ticket reconnect until it expires (EventSource reconnects with the same URL)', async () => {
    const ticket = await streamTicket();
    (await sse(`/moderation/stream?ticket=${ticket}`)).close();
    expect((await sse(`/moderation/stream?ticket=${ticket}`)).status).toBe(200);
  });

  it('refuses hostile input with a 4xx problem and stores nothing', async () => {
    const before = await ticketKeys();
    for (const q of [`ticket=${'a'.repeat(10_000)}`, 'ticket=a&ticket=b', 'ticket[]=a', 'ticket[$ne]=x', `ticket=${randomBytes(32).toString('base64url')}&lastEventId=x`, 'ticket=%00%00']) {
      const res = await sse(`/moderation/stream?${q}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    for (const q of [`ticket=${'a'.repeat(10_000)}`, 'ticket=a&ticket=b', 'ticket[]=a', `ticket=${randomBytes(32).toString('base64url')}`]) {
      const res = await sys.http.get(`/admin/queues?${q}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.headers['set-cookie']).toBeUndefined();
    }
    expect(await ticketKeys()).toBe(before);
  });
});

describe('the queues dashboard', () => {
  it('exchanges a one-time admin ticket for a session cookie, and answers 401 without one', async () => {
    const ticket = await dashboardTicket();
    const exchanged = await sys.http.get(`/admin/queues?ticket=${ticket}`).expect(303);
    expect(exchanged.headers.location).toBe('/admin/queues');
    const cookie = (exchanged.headers['set-cookie'] as unknown as string[])[0];
    expect(cookie).toMatch(/^queues_session=[^;]+; Path=\/admin\/queues; Max-Age=900; HttpOnly; SameSite=Strict$/);
    const session = cookie.split(';')[0];

    const page = await sys.http.get('/admin/queues').set('Cookie', session).expect(200);
    expect(page.text).toContain('__UI_CONFIG__');
    const queues = await sys.http.get('/admin/queues/api/queues').set('Cookie', session).expect(200);
    expect(queues.body.queues.map((q: { name: string }) => q.name).sort()).toEqual(['log', 'spam']);

    // Used once.
    await sys.http.get(`/admin/queues?ticket=${ticket}`).expect(401);
    // Without the cookie, or with an altered one, nothing under /admin/queues answers but 401.
    for (const path of ['/admin/queues', '/admin/queues/api/queues', '/admin/queues/static/js/x.js']) {
      const res = await sys.http.get(path).set('Authorization', admin).expect(401);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      await sys.http.get(path).set('Cookie', `${session.slice(0, -2)}xx`).expect(401);
    }
    const [name, value] = session.split('=');
    const [exp, sub, mac] = value.split('.');
    await sys.http.get('/admin/queues').set('Cookie', `${name}=${Number(exp) + 3600}.${sub}.${mac}`).expect(401);
    await sys.http.get('/admin/queues').set('Cookie', `${name}=${exp}.${Buffer.from('someone-else').toString('base64url')}.${mac}`).expect(401);
  });
});

describe('OpenAPI', () => {
  it('documents the streams and the ticket endpoints', async () => {
    const paths = Object.keys((await sys.http.get('/docs-json').expect(200)).body.paths);
    expect(paths).toEqual(expect.arrayContaining(['/articles/{id}/replies/stream', '/moderation/stream', '/moderation/stream-tickets', '/admin/queues/tickets']));
  });
});

describe('who may call the new endpoints (default deny)', () => {
  const roles = () => ({ none: null, reader, moderator, admin }) as Record<string, string | null>;
  const post = (path: string, auth: string | null) => {
    const req = sys.http.post(path);
    return auth ? req.set('Authorization', auth) : req;
  };

  it('POST /moderation/stream-tickets: moderators and admins', async () => {
    const expected = { none: 401, reader: 403, moderator: 201, admin: 201 };
    for (const [role, auth] of Object.entries(roles())) expect([role, (await post('/moderation/stream-tickets', auth)).status]).toEqual([role, expected[role as keyof typeof expected]]);
  });

  it('GET /moderation/stream: a ticket of a moderator or an admin, nothing else', async () => {
    expect((await sse('/moderation/stream')).status).toBe(401);
    expect((await sse('/moderation/stream', { authorization: reader })).status).toBe(401);
    expect((await sse(`/moderation/stream?ticket=${await streamTicket(moderator)}`)).status).toBe(200);
    expect((await sse(`/moderation/stream?ticket=${await streamTicket(admin)}`)).status).toBe(200);
  });

  it('POST /admin/queues/tickets: admins only', async () => {
    const expected = { none: 401, reader: 403, moderator: 403, admin: 201 };
    for (const [role, auth] of Object.entries(roles())) expect([role, (await post('/admin/queues/tickets', auth)).status]).toEqual([role, expected[role as keyof typeof expected]]);
  });

  it('GET /admin/queues: only with the cookie an admin ticket gives', async () => {
    for (const auth of Object.values(roles())) {
      const req = sys.http.get('/admin/queues');
      expect((await (auth ? req.set('Authorization', auth) : req)).status).toBe(401);
    }
    const cookie = ((await sys.http.get(`/admin/queues?ticket=${await dashboardTicket()}`).expect(303)).headers['set-cookie'] as unknown as string[])[0].split(';')[0];
    await sys.http.get('/admin/queues').set('Cookie', cookie).expect(200);
  });
});
