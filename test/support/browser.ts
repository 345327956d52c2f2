import { AxeBuilder } from '@axe-core/playwright';
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, ConsoleMessage, Locator, Page } from 'playwright-core';
import { eventually, System } from './system';

/** Debian's chromium (scripts/test.sh installs it), or CHROMIUM_PATH; Playwright's own download is never used. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`no Chromium at ${path}: install it (apt-get install chromium) or set CHROMIUM_PATH`);
  return path;
}

export function launchChromium(): Promise<Browser> {
  // Chromium's sandbox refuses to run as root; as any other user it stays on.
  const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return chromium.launch({ executablePath: chromiumPath(), args: asRoot ? ['--no-sandbox'] : [], headless: true });
}

/** The system on a real port on 127.0.0.1, so a browser can reach it; its base URL. */
export async function listen(sys: System): Promise<string> {
  await sys.app.listen(0, '127.0.0.1');
  const { port } = sys.app.getHttpServer().address() as AddressInfo;
  return `http://127.0.0.1:${port}`;
}

/**
 * A page that records what went wrong in it: uncaught errors and console errors (a CSP
 * violation is one). `problems` should stay empty.
 */
export async function openPage(context: BrowserContext, url: string): Promise<{ page: Page; problems: string[] }> {
  const page = await context.newPage();
  page.setDefaultTimeout(20_000);
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m: ConsoleMessage) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.goto(url);
  return { page, problems };
}

/** axe-core's serious and critical violations on the page as it is now, as readable lines. */
export async function seriousA11yViolations(page: Page): Promise<string[]> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']).analyze();
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.impact} ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`);
}

/** Where the tests save screenshots: data/screenshots (gitignored), and docs/screenshots under `npm run screenshots`. */
export function screenshotDirs(): string[] {
  const root = join(__dirname, '..', '..');
  const dirs = [join(root, 'data', 'screenshots')];
  if (process.env.UPDATE_SCREENSHOTS === '1') dirs.push(join(root, 'docs', 'screenshots'));
  for (const d of dirs) mkdirSync(d, { recursive: true });
  return dirs;
}

/**
 * Saves the page at each viewport into data/screenshots (and docs/screenshots under `npm run
 * screenshots`); `frame` places the view before each shot, `after` checks the page at that size.
 */
export async function saveScreenshots(page: Page, shots: [string, { width: number; height: number }][], frame: () => Promise<unknown>, after?: (name: string) => Promise<void>): Promise<void> {
  const [dataDir, ...more] = screenshotDirs();
  for (const [name, viewport] of shots) {
    await page.setViewportSize(viewport);
    await frame();
    await page.screenshot({ path: join(dataDir, name) });
    for (const dir of more) copyFileSync(join(dataDir, name), join(dir, name));
    await after?.(name);
  }
}

/** Retries `check` (jest expectations on what the page shows) until it passes: a wait on a condition, never a sleep. */
export const until = <T>(check: () => Promise<T>, timeoutMs = 20_000): Promise<T> => eventually(check, timeoutMs);

/** Whether the element has the focus in its document or shadow root. */
export const isFocused = (l: Locator): Promise<boolean> =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  l.evaluate((el: any) => el.getRootNode().activeElement === el);

/** Whether any of the element is inside the viewport. */
export const isInViewport = (l: Locator): Promise<boolean> =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  l.evaluate((el: any) => {
    const r = el.getBoundingClientRect();
    return r.bottom > 0 && r.top < (globalThis as unknown as { innerHeight: number }).innerHeight;
  });

/** One computed style property of the element, as the browser resolved it. */
export const computedStyle = (l: Locator, property: string): Promise<string> =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  l.evaluate((el: any, p: string) => (globalThis as any).getComputedStyle(el).getPropertyValue(p), property);

/** Waits until the reply section on the page follows the live stream (replies published from now on reach it). */
export const followingLive = (page: Page) => page.locator('reply-section section[data-live="open"]').waitFor({ state: 'attached' });
