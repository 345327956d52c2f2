import { Browser, BrowserContext, Page } from 'playwright-core';
import { followingLive, isFocused, launchChromium, listen, openPage, saveScreenshots, seriousA11yViolations, until } from './support/browser';
import { SEED_ARTICLE_ID, startSystem, System, tokenFor, verdictOn } from './support/system';

let sys: System;
let base: string;
let browser: Browser;
const contexts: BrowserContext[] = [];

const bearer = (role: 'reader' | 'moderator' | 'admin', sub: string) => `Bearer ${tokenFor(sys.config, role, sub, sub)}`;
const ok = (res: { status: number; text: string }) => {
  if (res.status < 200 || res.status > 299) throw new Error(`${res.status}: ${res.text}`);
};

/** A guest's reply on the (pre-moderated) seed article, once it waits in the pending queue. */
async function heldReply(body: string, name = 'Guest'): Promise<string> {
  const res = await sys.http
    .post(`/articles/${SEED_ARTICLE_ID}/replies`)
    .send({ body, author: { name, email: `${name.toLowerCase().replace(/\W+/g, '')}@example.com` } })
    .expect(202);
  await inQueue('pending', res.body.id);
  return res.body.id;
}

async function inQueue(queue: string, id: string, present = true): Promise<void> {
  await until(async () => {
    const items = (await sys.http.get(`/moderation/queues/${queue}?limit=100`).set('Authorization', bearer('moderator', 'watcher')).expect(200)).body.items as { id: string }[];
    expect(items.some((i) => i.id === id)).toBe(present);
  }, 30_000);
}

/** The page's problems but the browser's own report of a request the test expects refused. */
const unexpected = (problems: string[], status: number) => problems.filter((p) => !p.includes(`the server responded with a status of ${status}`));

const statusOf = async (id: string): Promise<{ status: string; decision: { by?: { id?: string; name?: string } } | null }> =>
  (await sys.http.get(`/replies/${id}`).set('Authorization', bearer('moderator', 'watcher')).expect(200)).body;

async function newContext(viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport });
  contexts.push(context);
  return context;
}

/** The console, signed in through the development sign-in, following the moderation stream. */
async function console_(name: string, role: 'moderator' | 'admin' = 'moderator', prepare?: (c: BrowserContext) => Promise<unknown>): Promise<{ page: Page; problems: string[] }> {
  const context = await newContext();
  await prepare?.(context);
  const opened = await openPage(context, `${base}/moderation`);
  const { page } = opened;
  const dev = page.getByRole('form', { name: 'Development sign-in' });
  await dev.getByLabel('Name').fill(name);
  await dev.getByLabel('Role').selectOption(role);
  await dev.getByRole('button', { name: `Sign in as ${role}` }).click();
  await page.locator('main.queues[data-live="open"]').waitFor({ state: 'attached' });
  return opened;
}

const item = (page: Page, id: string) => page.locator(`.list article[data-reply-id="${id}"]`);
const focusedId = (page: Page) => page.locator('.list article.focused').getAttribute('data-reply-id');
/** A queue's count as the tab shows it, once it shows one (not "…"). */
const count = (page: Page, queue: string) =>
  until(async () => {
    const n = Number(await page.locator(`[data-queue-count="${queue}"]`).innerText());
    expect(Number.isInteger(n)).toBe(true);
    return n;
  });

/** Moves the console's focus to the reply with j/k only; resolves with the version its panel then shows. */
async function focusByKeyboard(page: Page, id: string): Promise<number> {
  await item(page, id).waitFor({ state: 'visible' });
  const ids = await page.locator('.list article[data-reply-id]').evaluateAll((els) => els.map((e) => e.getAttribute('data-reply-id')));
  const target = ids.indexOf(id);
  const from = ids.indexOf(await focusedId(page));
  expect(target).toBeGreaterThanOrEqual(0);
  for (let i = 0; i < Math.abs(target - Math.max(0, from)); i++) await page.keyboard.press(target > from ? 'j' : 'k');
  await until(async () => expect(await focusedId(page)).toBe(id));
  await until(async () => expect(await page.locator('.panel').getAttribute('data-reply-id')).toBe(id));
  // The panel has the reply's full detail (its version, for If-Match) before a key acts on it.
  return until(async () => {
    const version = Number(await page.locator(`.panel[data-reply-id="${id}"]`).getAttribute('data-version'));
    expect(version).toBeGreaterThan(0);
    return version;
  });
}

beforeAll(async () => {
  sys = await startSystem({ env: { DEV_SIGN_IN: 'true' } });
  base = await listen(sys);
  browser = await launchChromium();
  // Every reply on the seed article waits for a moderator: the console's pending queue fills.
  await sys.http.patch(`/articles/${SEED_ARTICLE_ID}/settings`).set('Authorization', bearer('admin', 'ada')).send({ moderation: 'pre' }).expect(ok);
  await until(async () => expect((await sys.http.get(`/articles/${SEED_ARTICLE_ID}`).expect(200)).body.replySettings.moderation).toBe('pre'));
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});
afterEach(async () => {
  for (const c of contexts.splice(0)) await c.close();
});

describe('the moderator console', () => {
  it('a held reply approved from the keyboard shows up live on the reader’s open page, and leaves the pending count', async () => {
    const reader = await openPage(await newContext(), `${base}/`);
    await followingLive(reader.page);
    const id = await heldReply('Approve me from the keyboard, please.', 'Keya');
    const { page, problems } = await console_('Ana');
    await until(async () => expect(await count(page, 'pending')).toBeGreaterThanOrEqual(1));
    const before = await count(page, 'pending');
    await focusByKeyboard(page, id);
    await page.keyboard.press('a');
    await page.locator('.panel .outcome.done').getByText('Approved.').waitFor({ state: 'visible' });
    await until(async () => expect((await statusOf(id)).status).toBe('published'));
    await until(async () => expect(await count(page, 'pending')).toBe(before - 1));

    // The reader's page, never reloaded: the reply arrives behind its "new reply" button.
    const section = reader.page.locator('reply-section');
    await section.getByRole('button', { name: 'Show 1 new reply' }).click();
    await until(async () => expect(await section.locator(`article[data-reply-id="${id}"]`).innerText()).toContain('Approve me from the keyboard, please.'));
    expect([...problems, ...reader.problems]).toEqual([]);
  });

  it('rejects a selection in bulk, then undoes it: the replies are pending again', async () => {
    const bystander = await heldReply('Not part of the flood.', 'Byst');
    const ids = [await heldReply('Flood one.', 'Fl1'), await heldReply('Flood two.', 'Fl2'), await heldReply('Flood three.', 'Fl3')];
    const { page, problems } = await console_('Ben');
    await item(page, bystander).waitFor({ state: 'visible' });
    // One selected from the keyboard (x), two by their checkboxes.
    await focusByKeyboard(page, ids[0]);
    await page.keyboard.press('x');
    for (const id of ids.slice(1)) await item(page, id).getByRole('checkbox').check();
    await page.getByText('3 selected').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Reject selected' }).click();

    const line = page.locator('.batches li').first();
    await until(async () => expect(await line.innerText()).toContain('Rejected 3 of 3 replies.'), 30_000);
    for (const id of ids) await until(async () => expect((await statusOf(id)).status).toBe('rejected'));
    for (const id of ids.slice(1)) await until(async () => expect(await item(page, id).count()).toBe(0));
    // The one focused when it left stays in place, marked, and out of any later selection.
    await until(async () => expect(await item(page, ids[0]).innerText()).toContain('No longer in this queue: now rejected.'));
    expect((await statusOf(bystander)).status).toBe('pending');
    // The undo stays offered, also after visiting another section.
    await page.getByRole('button', { name: 'Moderation log' }).click();
    await page.getByRole('button', { name: 'Queues' }).click();
    await line.getByRole('button', { name: 'Undo' }).click();
    await until(async () => expect(await line.innerText()).toContain('then undone: 3 restored'), 30_000);
    for (const id of ids) await until(async () => expect((await statusOf(id)).status).toBe('pending'));
    for (const id of ids) await item(page, id).waitFor({ state: 'visible' });
    expect((await statusOf(bystander)).status).toBe('pending');
    expect(problems).toEqual([]);
  });

  it('a reader’s flag raises the reported count live', async () => {
    const id = await heldReply('Flag me, three readers will.', 'Fay');
    const detail = await verdictOn(sys, id);
    await sys.http.post(`/moderation/replies/${id}/approve`).set('Authorization', bearer('moderator', 'mo')).set('If-Match', `"${detail.version}"`).send({}).expect(ok);
    await until(async () => expect((await statusOf(id)).status).toBe('published'));
    const { page, problems } = await console_('Cy');
    const before = await count(page, 'reported');
    for (const who of ['flagger-1', 'flagger-2', 'flagger-3']) {
      await sys.http.post(`/replies/${id}/flags`).set('Authorization', bearer('reader', who)).send({ reason: 'abuse' }).expect(ok);
    }
    await until(async () => expect(await count(page, 'reported')).toBe(before + 1), 30_000);
    await page.getByRole('tab', { name: /^Reported/ }).click();
    await item(page, id).waitFor({ state: 'visible' });
    expect(await item(page, id).innerText()).toContain('Flag me, three readers will.');
    expect(problems).toEqual([]);
  });

  it('shows a conflict between two moderators plainly and overwrites nothing', async () => {
    const id = await heldReply('Two moderators look at me at once.', 'Duo');
    const ana = await console_('Ana');
    const ben = await console_('Ben');
    const seenByAna = await focusByKeyboard(ana.page, id);
    const seenByBen = await focusByKeyboard(ben.page, id);
    expect(seenByBen).toBe(seenByAna);
    // Ana rejects with a reason (r, type, Enter); Ben, still looking at the version before, approves.
    await ana.page.keyboard.press('r');
    await ana.page.getByLabel('Reason (optional, shown to the author)').fill('Off topic');
    await ana.page.keyboard.press('Enter');
    await ana.page.locator('.panel .outcome.done').getByText('Rejected.').waitFor({ state: 'visible' });
    await until(async () => expect((await statusOf(id)).status).toBe('rejected'));
    // Ben's panel still shows the version he opened, whatever the live list says meanwhile.
    expect(Number(await ben.page.locator('.panel').getAttribute('data-version'))).toBe(seenByBen);
    await ben.page.getByRole('group', { name: 'Decide' }).getByRole('button', { name: /^Approve/ }).click();
    const conflict = ben.page.locator('.panel .outcome.conflict');
    await until(async () => expect(await conflict.innerText()).toContain('Someone else changed this reply since you opened it.'));
    expect(await conflict.innerText()).toContain('It is now rejected');
    expect(await conflict.getAttribute('role')).toBe('alert');
    expect((await statusOf(id)).status).toBe('rejected');
    const log = (await sys.http.get(`/moderation/log?articleId=${SEED_ARTICLE_ID}&limit=100`).set('Authorization', bearer('moderator', 'watcher')).expect(200)).body.entries as { replyId: string; action: string; by: { id: string } }[];
    expect(log.filter((e) => e.replyId === id && e.by.id !== 'screening').map((e) => [e.action, e.by.id])).toEqual([['reject', 'dev-ana']]);
    // The browser reports the refused request (412) itself; nothing else went wrong.
    expect(unexpected([...ana.problems, ...ben.problems], 412)).toEqual([]);
  });

  it('keys never decide on a reply the moderator cannot see: still loading, or behind the commenter panel', async () => {
    const id = await heldReply('Not yet on screen.', 'Lag');
    // The reply's detail is held back: its panel shows the list's excerpt, no version yet.
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const { page, problems } = await console_('Eve', 'moderator', (context) =>
      context.route(`**/replies/${id}`, async (route) => {
        await held;
        await route.continue();
      }),
    );
    await item(page, id).click();
    await until(async () => expect(await page.locator('.panel').getAttribute('data-reply-id')).toBe(id));
    expect(await page.locator('.panel').getAttribute('data-version')).toBeNull();
    await page.keyboard.press('a');
    await page.locator('.panel .outcome.error').getByText('This reply is still loading').waitFor({ state: 'visible' });
    release();
    await until(async () => expect(Number(await page.locator('.panel').getAttribute('data-version'))).toBeGreaterThan(0));
    expect((await statusOf(id)).status).toBe('pending');

    await page.getByRole('button', { name: 'Commenter’s history' }).click();
    await page.getByRole('region', { name: 'Commenter' }).locator('[data-standing]').waitFor({ state: 'visible' });
    await page.locator('body').click({ position: { x: 5, y: 300 } });
    await page.keyboard.press('s');
    await page.keyboard.press('a');
    await page.getByRole('button', { name: '← Back to the reply' }).click();
    await page.locator('.panel[data-version]').waitFor({ state: 'visible' });
    expect((await statusOf(id)).status).toBe('pending');
    // Nothing was decided, and the panel says nothing was.
    expect(await page.locator('.panel .outcome').count()).toBe(0);
    expect(problems).toEqual([]);
  });

  it('opens the commenter’s history and suspends them; the log filters by moderator', async () => {
    const id = await heldReply('A commenter worth a look.', 'Sol');
    const { page, problems } = await console_('Dee');
    await focusByKeyboard(page, id);
    await page.getByRole('button', { name: 'Commenter’s history' }).click();
    const panel = page.getByRole('region', { name: 'Commenter' });
    await until(async () => expect(await panel.innerText()).toContain('A commenter worth a look.'));
    expect(await seriousA11yViolations(page)).toEqual([]);
    await panel.getByLabel('Action').selectOption('suspend');
    await panel.getByLabel('Minutes').fill('60');
    await panel.getByLabel('Reason (kept in their history)').fill('Cool off');
    await panel.getByRole('button', { name: 'Apply' }).click();
    await until(async () => expect(await panel.locator('[data-standing]').getAttribute('data-standing')).toBe('suspended'));
    const commenterId = (await sys.http.get(`/replies/${id}`).set('Authorization', bearer('moderator', 'watcher')).expect(200)).body.commenterId;
    const profile = (await sys.http.get(`/moderation/commenters/${commenterId}`).set('Authorization', bearer('moderator', 'watcher')).expect(200)).body;
    expect(profile.standing).toBe('suspended');

    // Dee decides once; the log filtered by her shows only her decisions.
    await panel.getByRole('button', { name: '← Back to the reply' }).click();
    await page.keyboard.press('s');
    await page.locator('.panel .outcome.done').getByText('Marked as spam.').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Moderation log' }).click();
    await page.getByLabel('Moderator').fill('dev-dee');
    await page.getByRole('button', { name: 'Filter' }).click();
    const rows = page.locator('.log tbody tr');
    await until(async () => expect(await rows.count()).toBe(1));
    expect(await rows.first().getAttribute('data-reply-id')).toBe(id);
    expect(await rows.first().innerText()).toContain('spam');
    expect(problems).toEqual([]);
  });

  it('admins edit the policy (a concurrent change is a plain conflict) and verify and rebuild the views with progress', async () => {
    const { page, problems } = await console_('Ada', 'admin');
    await page.getByRole('button', { name: 'Policy' }).click();
    const suspect = page.getByLabel(/^Suspect words/);
    await suspect.waitFor({ state: 'visible' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    const loaded = (await sys.http.get('/admin/policy').set('Authorization', bearer('admin', 'ada')).expect(200)).body;
    // Typed as an admin types it: to the end, a new line, the word (each key a render).
    await suspect.focus();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('nincompoop');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText(`Saved as version ${loaded.version + 1}.`).waitFor({ state: 'visible' });
    const saved = (await sys.http.get('/admin/policy').set('Authorization', bearer('admin', 'ada')).expect(200)).body;
    expect(saved.words.suspect).toContain('nincompoop');

    // Another admin changes it meanwhile; this page's next save is refused and says so.
    const { version, changedAt, ...rest } = saved;
    void changedAt;
    await sys.http.put('/admin/policy').set('Authorization', bearer('admin', 'other-admin')).set('If-Match', `"${version}"`).send({ ...rest, links: { max: 1 } }).expect(ok);
    await page.getByLabel('Most links in a reply').fill('5');
    await page.getByRole('button', { name: 'Save policy' }).click();
    const conflict = page.locator('.policy .outcome.conflict');
    await until(async () => expect(await conflict.innerText()).toContain('Another admin changed the policy'));
    expect((await sys.http.get('/admin/policy').set('Authorization', bearer('admin', 'ada')).expect(200)).body.links.max).toBe(1);
    await conflict.getByRole('button', { name: 'Load theirs' }).click();
    await until(async () => expect(await page.getByLabel('Most links in a reply').inputValue()).toBe('1'));

    await page.getByRole('button', { name: 'Views' }).click();
    await page.getByLabel('Projection').selectOption('thread');
    await page.getByRole('button', { name: 'Verify' }).click();
    const verification = page.getByRole('region', { name: 'Verification' });
    await until(async () => expect(await verification.getAttribute('data-state')).toBe('done'), 60_000);
    expect(await verification.innerText()).toContain('No differences');
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Rebuild' }).click();
    const rebuild = page.getByRole('region', { name: 'Rebuild' });
    await until(async () => expect(await rebuild.getAttribute('data-state')).toBe('done'), 60_000);
    const progress = rebuild.getByRole('progressbar', { name: 'Rebuild progress' });
    expect(Number(await progress.getAttribute('value'))).toBeGreaterThan(0);
    expect(await progress.getAttribute('value')).toBe(await progress.getAttribute('max'));
    expect(unexpected(problems, 412)).toEqual([]);
  });

  it('signs in with a pasted token: a reader’s is refused, a moderator’s works, and sign-out forgets it', async () => {
    const { page, problems } = await openPage(await newContext(), `${base}/moderation`);
    const form = page.getByRole('form', { name: 'Sign in with a token' });
    await form.waitFor({ state: 'visible' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await form.getByLabel('Your moderator token').fill(tokenFor(sys.config, 'reader', 'rita', 'Rita'));
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('the console needs a moderator or an admin').waitFor({ state: 'visible' });
    await form.getByLabel('Your moderator token').fill('not.a-token');
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').getByText('That is not a token this console can read').waitFor({ state: 'visible' });
    await form.getByLabel('Your moderator token').fill(tokenFor(sys.config, 'moderator', 'mona', 'Mona'));
    await form.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as').waitFor({ state: 'visible' });
    expect(await page.locator('.who').innerText()).toContain('Mona');
    // Moderators get no admin sections.
    expect(await page.getByRole('button', { name: 'Policy' }).count()).toBe(0);
    await page.reload();
    await page.getByText('Signed in as').waitFor({ state: 'visible' });
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('form', { name: 'Sign in with a token' }).waitFor({ state: 'visible' });
    await page.reload();
    await page.getByRole('form', { name: 'Sign in with a token' }).waitFor({ state: 'visible' });
    expect(problems).toEqual([]);
  });

  it('renders reply text as text, has no serious or critical accessibility violations (axe-core), and saves its screenshots', async () => {
    const payload = '<img src=x onerror="document.body.dataset.owned=1"><script>document.body.dataset.owned=1</script> Is this bold?';
    const id = await heldReply(payload, '<b>Mallory</b><img src=x>');
    const shown = await heldReply('The council’s budget vote was postponed again; the article could say why.', 'Priya Natarajan');
    const { page, problems } = await console_('Mo');
    await focusByKeyboard(page, id);
    expect(await page.locator('.panel blockquote.body').innerText()).toBe(payload);
    expect(await page.locator('.panel h2').innerText()).toContain('<b>Mallory</b><img src=x>');
    expect(await item(page, id).innerText()).toContain('<b>Mallory</b><img src=x>');
    // Nothing of it became markup anywhere in the console.
    expect(await page.locator('.console img, .console script, .console b').count()).toBe(0);
    expect(await page.locator('body').getAttribute('data-owned')).toBeNull();
    expect(await isFocused(item(page, id))).toBe(true);
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.keyboard.press('r');
    await page.getByLabel('Reason (optional, shown to the author)').waitFor({ state: 'visible' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    await page.keyboard.press('Escape');
    // The screenshots show an ordinary reply open (the payload stays in the list, as text).
    await focusByKeyboard(page, shown);

    await saveScreenshots(
      page,
      [
        ['console-desktop.png', { width: 1280, height: 800 }],
        ['console-phone.png', { width: 390, height: 1100 }],
      ],
      () => page.evaluate('window.scrollTo(0, 0)'),
      async (name) => expect([name, await seriousA11yViolations(page)]).toEqual([name, []]),
    );

    await page.getByRole('button', { name: 'Moderation log' }).click();
    await page.locator('.log tbody tr').first().waitFor({ state: 'visible' });
    expect(await seriousA11yViolations(page)).toEqual([]);
    expect(problems).toEqual([]);
  });
});
