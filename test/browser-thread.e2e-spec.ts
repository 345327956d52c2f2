import { Browser, BrowserContext, Page } from 'playwright-core';
import { isFocused, launchChromium, listen, openPage, until } from './support/browser';
import { SEED_ARTICLE_ID, startSystem, System, tokenFor, verdictOn } from './support/system';

let sys: System;
let base: string;
let browser: Browser;
let context: BrowserContext;

const as = (sub: string) => `Bearer ${tokenFor(sys.config, 'reader', sub, sub.replace(/^./, (c) => c.toUpperCase()))}`;

async function post(body: string, who: string, parentId?: string): Promise<string> {
  const res = await sys.http
    .post(`/articles/${SEED_ARTICLE_ID}/replies`)
    .set('Authorization', as(who))
    .send(parentId ? { body, parentId } : { body })
    .expect(202);
  return res.body.id;
}

const ok = (res: { status: number; text: string }) => {
  if (res.status < 200 || res.status > 299) throw new Error(`${res.status}: ${res.text}`);
};

const topLevel = async (sort: string): Promise<{ id: string; status: string }[]> =>
  (await sys.http.get(`/articles/${SEED_ARTICLE_ID}/replies?sort=${sort}&limit=100`).expect(200)).body.items;

let numbered: string[];
let featured: string;
let retracted: string;
let deep: { parent: string; child: string; grandchild: string };

/** A thread longer than a page: 22 replies, one featured, one retracted with a reply under it, a chain three deep. */
beforeAll(async () => {
  sys = await startSystem();
  base = await listen(sys);
  browser = await launchChromium();
  numbered = [];
  for (let i = 0; i < 22; i++) numbered.push(await post(`Numbered reply ${String(i).padStart(2, '0')}`, 'numberer'));
  await until(async () => expect((await topLevel('newest')).length).toBe(22), 60_000);
  const newest = await topLevel('newest');
  // On the first page but not first: featuring brings it to the top.
  featured = newest[4].id;
  const detail = await verdictOn(sys, featured);
  const moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'mo', 'Mo')}`;
  await sys.http.post(`/moderation/replies/${featured}/feature`).set('Authorization', moderator).set('If-Match', `"${detail.version}"`).send({}).expect(ok);
  retracted = newest[2].id;
  const under = await post('A reply under one that will be retracted.', 'answerer', retracted);
  await verdictOn(sys, under);
  await sys.http.delete(`/replies/${retracted}`).set('Authorization', as('numberer')).expect(ok);
  const parent = newest[1].id;
  const child = await post('Second level.', 'answerer', parent);
  await verdictOn(sys, child);
  const grandchild = await post('Third level, the deepest this article allows.', 'numberer', child);
  deep = { parent, child, grandchild };
  await until(async () => {
    const items = await topLevel('newest');
    expect(items.find((r) => r.id === featured)).toMatchObject({ featured: true });
    expect(items.find((r) => r.id === retracted)).toMatchObject({ status: 'retracted' });
    const detail = (await sys.http.get(`/replies/${child}/replies`).expect(200)).body;
    expect(detail.items.map((r: { id: string }) => r.id)).toContain(grandchild);
  }, 30_000);
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});
beforeEach(async () => {
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
});
afterEach(() => context.close());

const section = (page: Page) => page.locator('reply-section');
const shownTopLevel = (page: Page) => section(page).locator('ol.thread[aria-label="Replies"] > li > article').evaluateAll((els) => els.map((e) => e.getAttribute('data-reply-id')));

describe('the thread in the browser', () => {
  it('shows featured first, a retracted placeholder with its replies, and loads more by cursor', async () => {
    const { page, problems } = await openPage(context, `${base}/`);
    await until(async () => expect((await shownTopLevel(page)).length).toBe(20));
    const shown = await shownTopLevel(page);
    expect(shown[0]).toBe(featured);
    await until(async () => expect(await section(page).locator(`article[data-reply-id="${featured}"] .featured-badge`).count()).toBe(1));
    const api = (await topLevel('newest')).map((r) => r.id);
    expect(shown.slice(1)).toEqual(api.filter((id) => id !== featured).slice(0, 19));

    const placeholder = section(page).locator(`article[data-reply-id="${retracted}"]`);
    expect(await placeholder.innerText()).toContain('This reply was retracted by its author.');
    expect(await placeholder.getByRole('button', { name: 'Reply', exact: true }).count()).toBe(0);
    await section(page).getByText('A reply under one that will be retracted.').waitFor({ state: 'visible' });

    await section(page).getByRole('button', { name: 'Load more replies' }).click();
    await until(async () => expect((await shownTopLevel(page)).length).toBe(22));
    expect(new Set(await shownTopLevel(page)).size).toBe(22);
    expect(await section(page).getByRole('button', { name: 'Load more replies' }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('a permalink to a reply beyond the first page shows it above the thread, focused', async () => {
    const newest = (await topLevel('newest')).map((r) => r.id);
    const last = newest[newest.length - 1];
    const { page, problems } = await openPage(context, `${base}/#reply-${last}`);
    const linked = section(page).locator(`.linked-aside article[data-reply-id="${last}"]`);
    await until(async () => expect(await linked.getAttribute('class')).toContain('linked'));
    await until(async () => expect(await isFocused(linked)).toBe(true));
    expect(await linked.innerText()).toContain('Numbered reply');
    // The thread's own first page is there too, below it.
    await until(async () => expect((await shownTopLevel(page)).length).toBe(20));
    expect(problems).toEqual([]);
  });

  it('sorts oldest first on request, featured still first', async () => {
    const { page, problems } = await openPage(context, `${base}/`);
    await until(async () => expect((await shownTopLevel(page)).length).toBe(20));
    await section(page).getByLabel('Sort').selectOption('oldest');
    const oldest = (await topLevel('oldest')).map((r) => r.id).filter((id) => id !== featured);
    await until(async () => expect((await shownTopLevel(page)).slice(1, 4)).toEqual(oldest.slice(0, 3)));
    expect((await shownTopLevel(page))[0]).toBe(featured);
    expect(problems).toEqual([]);
  });

  it('nests replies to the depth limit: a reply at the limit offers no Reply button', async () => {
    const { page, problems } = await openPage(context, `${base}/`);
    const child = section(page).locator(`article[data-reply-id="${deep.child}"]`);
    await child.waitFor({ state: 'visible' });
    expect(await child.getByRole('button', { name: 'Reply', exact: true }).count()).toBe(1);
    await section(page).getByRole('button', { name: 'Show 1 reply' }).click();
    const grandchild = section(page).locator(`article[data-reply-id="${deep.grandchild}"]`);
    await until(async () => expect(await grandchild.innerText()).toContain('Third level'));
    expect(await grandchild.getByRole('button', { name: 'Reply', exact: true }).count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('on a pre-moderated article, the author sees their reply at once as waiting for a moderator, also after a reload', async () => {
    const admin = `Bearer ${tokenFor(sys.config, 'admin', 'ada', 'Ada')}`;
    await sys.http.patch(`/articles/${SEED_ARTICLE_ID}/settings`).set('Authorization', admin).send({ moderation: 'pre' }).expect(ok);
    await until(async () => expect((await sys.http.get(`/articles/${SEED_ARTICLE_ID}`).expect(200)).body.replySettings.moderation).toBe('pre'));
    const { page, problems } = await openPage(context, `${base}/`);
    const form = section(page).getByRole('form', { name: 'Leave a reply' });
    // Keyboard only: the form's fields in order, the hidden honeypot never among them.
    await form.getByLabel(/^Your reply/).focus();
    await page.keyboard.type('Held for a moderator, please.');
    await page.keyboard.press('Tab');
    await page.keyboard.type('Quinn');
    await page.keyboard.press('Tab');
    await page.keyboard.type('quinn@example.org');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    const mine = section(page).locator('article[data-reply-id]').filter({ hasText: 'Held for a moderator, please.' });
    await until(async () => expect(await mine.getAttribute('data-status')).toBe('pending'));
    expect(await mine.locator('.status-badge').innerText()).toBe('Waiting for a moderator');
    const id = await mine.getAttribute('data-reply-id');
    const detail = await verdictOn(sys, id!);
    expect(detail.status).toBe('pending');
    await page.reload();
    const again = section(page).locator(`article[data-reply-id="${id}"]`);
    await until(async () => expect(await again.getAttribute('data-status')).toBe('pending'));
    expect(await again.innerText()).toContain('Held for a moderator, please.');
    // Nobody else sees it.
    expect((await topLevel('newest')).map((r) => r.id)).not.toContain(id);
    expect(problems).toEqual([]);
  });
});
