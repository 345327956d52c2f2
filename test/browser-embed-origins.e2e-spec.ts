import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { Browser, BrowserContext, Page } from 'playwright-core';
import { computedStyle, followingLive, launchChromium, listen, openPage, until } from './support/browser';
import { SEED_ARTICLE_ID, startSystem, System, tokenFor } from './support/system';

/**
 * A news site on another origin: its own page, its own (hostile) styles, the reply section
 * embedded with the snippet the README gives. `api` is filled in once the system listens.
 */
function hostSite(): { server: Server; origin: () => string; api: { base: string } } {
  const api = { base: '' };
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://host');
    if (url.pathname !== '/') {
      res.writeHead(404).end();
      return;
    }
    // The site signs its reader in: it hands the token over as a property, before embed.js loads.
    const token = url.searchParams.get('token');
    const signIn = token ? `<script>document.querySelector('reply-section').token = ${JSON.stringify(token)};</script>` : '';
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Another news site</title><link rel="icon" href="data:,">
<style>p { color: rgb(200, 0, 0); } button { background: rgb(0, 128, 0); } h2 { font-size: 60px; }</style></head>
<body><h1>Another news site</h1><p class="host-text">The host page's own paragraph.</p>
<reply-section article-id="${SEED_ARTICLE_ID}"></reply-section>
${signIn}
<script src="${api.base}/embed.js" crossorigin="anonymous" defer></script>
</body></html>`);
  });
  return { server, api, origin: () => `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const listening = (server: Server) => new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));

let sys: System;
let base: string;
let browser: Browser;
let context: BrowserContext;
const allowed = hostSite();
const refused = hostSite();

beforeAll(async () => {
  await Promise.all([listening(allowed.server), listening(refused.server)]);
  sys = await startSystem({ env: { EMBED_ORIGINS: allowed.origin() } });
  base = await listen(sys);
  allowed.api.base = base;
  refused.api.base = base;
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
  allowed.server.close();
  refused.server.close();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1100, height: 900 } });
});
afterEach(() => context.close());

const section = (page: Page) => page.locator('reply-section');

describe('the reply section embedded on another site', () => {
  it('works from an origin in EMBED_ORIGINS: renders, takes a guest reply, gets replies live, and leaves the host page styled as it was', async () => {
    const { page, problems } = await openPage(context, `${allowed.origin()}/`);
    await section(page).getByRole('heading', { name: 'Leave a reply' }).waitFor({ state: 'visible' });
    const form = section(page).getByRole('form', { name: 'Leave a reply' });
    await form.getByLabel(/^Your reply/).fill('Posted from another site.');
    await form.getByLabel('Name').fill('Noor');
    await form.getByLabel('Email').fill('noor@example.org');
    await form.getByRole('button', { name: 'Post reply' }).click();
    const mine = section(page).locator('article[data-reply-id]').filter({ hasText: 'Posted from another site.' });
    await until(async () => expect(await mine.getAttribute('data-status')).toBe('published'));

    await followingLive(page);
    const other = tokenFor(sys.config, 'reader', 'elsewhere', 'Ivo');
    await sys.http.post(`/articles/${SEED_ARTICLE_ID}/replies`).set('Authorization', `Bearer ${other}`).send({ body: 'And one from elsewhere.' }).expect(202);
    await section(page).getByRole('button', { name: 'Show 1 new reply' }).waitFor({ state: 'visible' });

    // Shadow DOM: the host's rules do not reach the section, and the section's do not leak out.
    expect(await computedStyle(page.locator('p.host-text'), 'color')).toBe('rgb(200, 0, 0)');
    expect(await computedStyle(form.getByRole('button', { name: 'Post reply' }), 'background-color')).not.toBe('rgb(0, 128, 0)');
    expect(await computedStyle(section(page).getByRole('heading', { name: 'Leave a reply' }), 'font-size')).not.toBe('60px');
    expect(problems).toEqual([]);
  });

  it('takes the signed-in reader the site hands over: no name or email asked, the reply under their name', async () => {
    const token = tokenFor(sys.config, 'reader', 'site-reader', 'Ines');
    const { page, problems } = await openPage(context, `${allowed.origin()}/?token=${encodeURIComponent(token)}`);
    await section(page).getByText('Signed in as Ines.').waitFor({ state: 'visible' });
    const form = section(page).getByRole('form', { name: 'Leave a reply' });
    expect(await form.getByLabel('Email').count()).toBe(0);
    await form.getByLabel(/^Your reply/).fill('Signed in on the news site.');
    await form.getByRole('button', { name: 'Post reply' }).click();
    const mine = section(page).locator('article[data-reply-id]').filter({ hasText: 'Signed in on the news site.' });
    await until(async () => expect(await mine.getAttribute('data-status')).toBe('published'));
    expect(await mine.locator('.author').innerText()).toBe('Ines');
    // Their own reply: they may edit it.
    expect(await mine.getByRole('button', { name: 'Edit' }).count()).toBe(1);
    expect(problems).toEqual([]);
  });

  it('is refused to an origin not in EMBED_ORIGINS: the browser gets neither the script nor the API', async () => {
    const { page, problems } = await openPage(context, `${refused.origin()}/`);
    await page.waitForLoadState('load');
    expect(await page.evaluate("customElements.get('reply-section') === undefined")).toBe(true);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    expect(await section(page).evaluate((el: any) => el.shadowRoot === null)).toBe(true);
    const fetched = await page.evaluate(`fetch(${JSON.stringify(`${base}/articles/${SEED_ARTICLE_ID}`)}).then(() => 'read', () => 'refused')`);
    expect(fetched).toBe('refused');
    expect(problems.join('\n')).toMatch(/CORS/);
  });

  it('answers CORS and the resource policy for allowed origins only, never *', async () => {
    const ok = allowed.origin();
    const bad = refused.origin();
    const preflight = await sys.http
      .options(`/articles/${SEED_ARTICLE_ID}/replies`)
      .set('Origin', ok)
      .set('Access-Control-Request-Method', 'POST')
      .set('Access-Control-Request-Headers', 'content-type,idempotency-key')
      .expect(204);
    expect(preflight.headers['access-control-allow-origin']).toBe(ok);
    expect(preflight.headers['access-control-allow-headers']).toMatch(/Idempotency-Key/i);
    const refusedPreflight = await sys.http.options(`/articles/${SEED_ARTICLE_ID}/replies`).set('Origin', bad).set('Access-Control-Request-Method', 'POST');
    expect(refusedPreflight.headers['access-control-allow-origin']).toBeUndefined();

    for (const path of ['/embed.js', `/articles/${SEED_ARTICLE_ID}`, `/articles/${SEED_ARTICLE_ID}/replies`]) {
      const yes = await sys.http.get(path).set('Origin', ok).expect(200);
      expect(yes.headers['access-control-allow-origin']).toBe(ok);
      expect(yes.headers['cross-origin-resource-policy']).toBe('cross-origin');
      expect(yes.headers.vary).toMatch(/Origin/);
      const no = await sys.http.get(path).set('Origin', bad).expect(200);
      expect(no.headers['access-control-allow-origin']).toBeUndefined();
      expect(no.headers['cross-origin-resource-policy']).toBe('same-origin');
    }
    // Only the readers' side: moderation and admin answers are never opened to other origins.
    const moderation = await sys.http.get('/moderation/queues').set('Origin', ok);
    expect(moderation.headers['access-control-allow-origin']).toBeUndefined();
    expect(moderation.headers['cross-origin-resource-policy']).toBe('same-origin');
  });
});
