import { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { followingLive, isFocused, isInViewport, launchChromium, listen, openPage, saveScreenshots, seriousA11yViolations, until } from './support/browser';
import { SEED_ARTICLE_ID, startSystem, System, tokenFor } from './support/system';

let sys: System;
let base: string;
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  sys = await startSystem();
  base = await listen(sys);
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});
beforeEach(async () => {
  // Each test its own browser profile: its own localStorage, so its own edit tokens.
  context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
});
afterEach(() => context.close());

const section = (page: Page) => page.locator('reply-section');
const replyWith = (page: Page, text: string) => section(page).locator('article[data-reply-id]').filter({ hasText: text });
/** The list item of the reply with that text, its replies included. */
const threadOf = (page: Page, text: string) => section(page).locator('li.reply-li', { has: page.locator('article[data-reply-id]', { hasText: text }) }).first();

/** Fills a reply form as a guest and sends it. */
async function postAsGuest(form: Locator, body: string, name = 'Dana') {
  await form.getByLabel(/^Your reply/).fill(body);
  await form.getByLabel('Name').fill(name);
  await form.getByLabel('Email').fill(`${name.toLowerCase().replace(/\W/g, '')}@example.org`);
  await form.getByRole('button', { name: 'Post reply' }).click();
}

/** Waits until the public thread (the API's view) shows a reply with that text, so a reload finds it there. */
async function inPublicThread(text: string) {
  await until(async () => {
    const { items } = (await sys.http.get(`/articles/${SEED_ARTICLE_ID}/replies?sort=newest&limit=50`).expect(200)).body;
    const bodies = items.flatMap((r: { body: string; replies?: { body: string }[] }) => [r.body, ...(r.replies ?? []).map((c) => c.body)]);
    expect(bodies).toContain(text);
  });
}

const topForm = (page: Page) => section(page).getByRole('form', { name: 'Leave a reply' });

async function seedPage(): Promise<{ page: Page; problems: string[] }> {
  const opened = await openPage(context, `${base}/`);
  await section(opened.page).getByRole('heading', { name: 'Leave a reply' }).waitFor({ state: 'visible' });
  await topForm(opened.page).waitFor({ state: 'visible' });
  return opened;
}

describe('the seed article page at /', () => {
  it('is the fixture article as a news page, under a CSP that allows no inline script, with the reply section under it', async () => {
    const res = await sys.http.get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    const csp = res.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(res.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(res.text).toContain(`<reply-section article-id="${SEED_ARTICLE_ID}">`);
    const js = await sys.http.get('/embed.js').expect(200);
    expect(js.headers['content-type']).toMatch(/^text\/javascript/);

    const { page, problems } = await seedPage();
    await until(async () => expect(await page.getByRole('heading', { level: 1 }).innerText()).toBe('Showdown in Los Angeles: Mayor’s Attempt to Halt ICE Raid Backfires'));
    await section(page).getByText('No replies yet').waitFor({ state: 'visible' });
    expect(problems).toEqual([]);
  });

  it('a guest replies and sees the reply at once with its status, then published, and still there after a reload', async () => {
    const { page, problems } = await seedPage();
    await postAsGuest(topForm(page), 'Thanks for the careful reporting.');
    const mine = replyWith(page, 'Thanks for the careful reporting.');
    await mine.waitFor({ state: 'visible' });
    await until(async () => expect(await mine.getAttribute('data-status')).toMatch(/^(checking|published)$/));
    await until(async () => expect(await mine.getAttribute('data-status')).toBe('published'));
    await until(async () => expect(await mine.locator('.status-badge').count()).toBe(0));
    await inPublicThread('Thanks for the careful reporting.');
    await page.reload();
    await replyWith(page, 'Thanks for the careful reporting.').waitFor({ state: 'visible' });
    await until(async () => expect(await replyWith(page, 'Thanks for the careful reporting.').locator('.author').innerText()).toBe('Dana'));
    expect(problems).toEqual([]);
  });

  it('a reply to a reply nests under it; reply and edit buttons follow the depth limit and the author', async () => {
    const { page, problems } = await seedPage();
    await postAsGuest(topForm(page), 'Where were the agents staged?', 'Ruth');
    const parent = replyWith(page, 'Where were the agents staged?');
    await until(async () => expect(await parent.getAttribute('data-status')).toBe('published'));
    await parent.getByRole('button', { name: 'Reply', exact: true }).click();
    const form = section(page).getByRole('form', { name: 'Reply to Ruth' });
    await until(async () => expect(await isFocused(form.getByLabel('Your reply to Ruth'))).toBe(true));
    // The guest's name and email carry over to their next reply on the page.
    expect(await form.getByLabel('Name').inputValue()).toBe('Ruth');
    await postAsGuest(form, 'Near the park, according to the piece.', 'Sam');
    const child = threadOf(page, 'Where were the agents staged?').locator('ol.children article[data-reply-id]').filter({ hasText: 'Near the park' });
    await child.waitFor({ state: 'visible' });
    // The form closed: the keyboard lands on the new reply.
    await until(async () => expect(await isFocused(child)).toBe(true));
    await until(async () => expect(await child.getAttribute('data-status')).toBe('published'));
    // From a fresh page (from the API): the same nesting.
    await inPublicThread('Near the park, according to the piece.');
    await page.reload();
    const again = threadOf(page, 'Where were the agents staged?').locator('ol.children');
    await again.getByText('Near the park, according to the piece.').waitFor({ state: 'visible' });
    expect(problems).toEqual([]);
  });

  it('the author edits then retracts their reply (as a guest, by the edit token kept in the browser)', async () => {
    const { page, problems } = await seedPage();
    await postAsGuest(topForm(page), 'The mayor spoke at noon.', 'Lee');
    const mine = replyWith(page, 'The mayor spoke at noon.');
    await until(async () => expect(await mine.getAttribute('data-status')).toBe('published'));
    // After a reload the edit token comes from localStorage.
    await inPublicThread('The mayor spoke at noon.');
    await page.reload();
    const reloaded = replyWith(page, 'The mayor spoke at noon.');
    await reloaded.getByRole('button', { name: 'Edit' }).click();
    const editor = section(page).getByRole('textbox', { name: 'Edit your reply' });
    await until(async () => expect(await editor.inputValue()).toBe('The mayor spoke at noon.'));
    await editor.fill('The mayor spoke at noon, not in the morning.');
    await section(page).getByRole('button', { name: 'Save edit' }).click();
    const edited = replyWith(page, 'not in the morning');
    await edited.waitFor({ state: 'visible' });
    await until(async () => expect(await edited.getAttribute('data-status')).toBe('published'));
    const id = await edited.getAttribute('data-reply-id');
    await edited.getByRole('button', { name: 'Retract' }).click();
    await section(page).getByRole('button', { name: 'Yes, retract' }).click();
    const placeholder = section(page).locator(`article[data-reply-id="${id}"]`);
    await until(async () => expect(await placeholder.innerText()).toContain('retracted'));
    await until(async () => expect(await placeholder.innerText()).not.toContain('not in the morning'));
    // The public thread (a view, built a moment later) drops it: no reply beneath it.
    await until(async () => {
      const thread = (await sys.http.get(`/articles/${SEED_ARTICLE_ID}/replies?sort=newest&limit=50`).expect(200)).body;
      expect(thread.items.find((r: { id: string }) => r.id === id)).toBeUndefined();
    });
    expect(problems).toEqual([]);
  });

  it('a script or HTML payload is shown as text and never runs', async () => {
    const { page, problems } = await seedPage();
    const payload = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">';
    await postAsGuest(topForm(page), payload, '<b>Eve</b>');
    const mine = replyWith(page, '<img src=x onerror=');
    await mine.waitFor({ state: 'visible' });
    await until(async () => expect(await mine.locator('.body').innerText()).toBe(payload));
    await until(async () => expect(await mine.locator('.author').innerText()).toBe('<b>Eve</b>'));
    await inPublicThread(payload);
    await page.reload();
    const shown = replyWith(page, '<img src=x onerror=');
    await until(async () => expect(await shown.locator('.body').innerText()).toBe(payload));
    await until(async () => expect(await section(page).locator('img, script, b').count()).toBe(0));
    expect(await page.evaluate('window.__pwned')).toBeUndefined();
    expect(problems).toEqual([]);
  });

  it('a permalink opens the thread at the reply, highlighted and focused', async () => {
    const { page, problems } = await seedPage();
    await postAsGuest(topForm(page), 'Link me, please.', 'Kim');
    const mine = replyWith(page, 'Link me, please.');
    await until(async () => expect(await mine.getAttribute('data-status')).toBe('published'));
    const href = await mine.locator('a.permalink').getAttribute('href');
    expect(href).toMatch(new RegExp(`^${base}/#reply-[A-Za-z0-9_-]+$`));
    const other = await openPage(context, href!);
    const linked = other.page.locator('reply-section article.linked');
    await until(async () => expect(await linked.innerText()).toContain('Link me, please.'));
    await until(async () => expect(await isFocused(linked)).toBe(true));
    await until(async () => expect(await isInViewport(linked)).toBe(true));
    expect([...problems, ...other.problems]).toEqual([]);
  });

  it('a reply published by another reader arrives live as "1 new reply", shown only when asked', async () => {
    const { page, problems } = await seedPage();
    await followingLive(page);
    const reader = tokenFor(sys.config, 'reader', 'live-writer', 'Olu');
    const res = await sys.http
      .post(`/articles/${SEED_ARTICLE_ID}/replies`)
      .set('Authorization', `Bearer ${reader}`)
      .send({ body: 'Breaking: the council meets tonight.' })
      .expect(202);
    const button = section(page).getByRole('button', { name: 'Show 1 new reply' });
    await button.waitFor({ state: 'visible' });
    await until(async () => expect(await section(page).locator('.new-replies', { has: page.getByRole('button', { name: 'Show 1 new reply' }) }).getAttribute('aria-live')).toBe('polite'));
    await until(async () => expect(await replyWith(page, 'the council meets tonight').count()).toBe(0));
    await button.click();
    const arrived = section(page).locator(`article[data-reply-id="${res.body.id}"]`);
    await until(async () => expect(await arrived.innerText()).toContain('Breaking: the council meets tonight.'));
    await until(async () => expect(await isFocused(arrived)).toBe(true));
    expect(problems).toEqual([]);
  });

  it('a signed-in reader, handed a token by the page, reacts and reports', async () => {
    const { page, problems } = await seedPage();
    await postAsGuest(topForm(page), 'React to me.', 'Ana');
    await until(async () => expect(await replyWith(page, 'React to me.').getAttribute('data-status')).toBe('published'));
    // Signing in starts the section afresh from the public thread: wait until its view has the reply.
    await inPublicThread('React to me.');
    const reader = tokenFor(sys.config, 'reader', 'reactor', 'Rae');
    await page.locator('reply-section').evaluate((el, t) => el.setAttribute('token', t), reader);
    await section(page).getByText('Signed in as Rae.').waitFor({ state: 'visible' });
    const target = replyWith(page, 'React to me.');
    const like = target.getByRole('button', { name: /^Like/ });
    await like.click();
    await until(async () => expect(await like.getAttribute('aria-pressed')).toBe('true'));
    await until(async () => expect(await like.innerText()).toContain('1'));
    await target.getByRole('button', { name: 'Report' }).click();
    await section(page).getByLabel('Why report it?').selectOption('spam');
    await section(page).getByRole('button', { name: 'Send report' }).click();
    await section(page).getByText('the moderators will look at this reply').waitFor({ state: 'attached' });
    const id = await target.getAttribute('data-reply-id');
    const detail = (await sys.http.get(`/replies/${id}`).expect(200)).body;
    expect(detail.reactions.like).toBe(1);
    expect(problems).toEqual([]);
  });

  it('has no serious or critical accessibility violations (axe-core), and saves its screenshots', async () => {
    // A thread worth looking at, also when this test runs alone (npm run screenshots).
    const as = (sub: string, name: string) => `Bearer ${tokenFor(sys.config, 'reader', sub, name)}`;
    const first = await sys.http
      .post(`/articles/${SEED_ARTICLE_ID}/replies`)
      .set('Authorization', as('shot-1', 'Priya Natarajan'))
      .send({ body: 'The timeline in the third section matches what neighbours told us that morning.\nThank you for the detail.' })
      .expect(202);
    await inPublicThread('The timeline in the third section matches what neighbours told us that morning.\nThank you for the detail.');
    await sys.http
      .post(`/articles/${SEED_ARTICLE_ID}/replies`)
      .set('Authorization', as('shot-2', 'Tomás Ortega'))
      .send({ body: 'Does anyone know whether the council will vote on the sanctuary motion this week?', parentId: first.body.id })
      .expect(202);
    await inPublicThread('Does anyone know whether the council will vote on the sanctuary motion this week?');
    const { page, problems } = await seedPage();
    await section(page).locator('article[data-reply-id]').first().waitFor({ state: 'visible' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    // With a reply form open too.
    const top = section(page).locator('article[data-reply-id]').first();
    await top.getByRole('button', { name: 'Reply', exact: true }).click();
    await section(page).getByRole('form', { name: /^Reply to / }).waitFor({ state: 'visible' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await top.getByRole('button', { name: 'Reply', exact: true }).click();

    await saveScreenshots(
      page,
      [
        ['seed-page-desktop.png', { width: 1280, height: 1000 }],
        ['seed-page-phone.png', { width: 390, height: 1100 }],
      ],
      // The end of the article and the reply section under it.
      async () => {
        await section(page).getByRole('heading', { name: 'Leave a reply' }).evaluate((h) => h.scrollIntoView({ block: 'start' }));
        await page.evaluate('window.scrollBy(0, -60)');
      },
    );
    expect(problems).toEqual([]);
  });
});
