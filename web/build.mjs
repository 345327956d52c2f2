// Builds what browsers load: the embed (web/embed, Preact, bundled and minified by esbuild),
// the moderator console (web/console, the same way) and the pages' stylesheets, into dist/web.
// Prints each bundle's gzipped size and fails when one is over its budget (docs/decisions/0036,
// 0040). Part of `npm run build`.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

/** Sites load the embed under every article: 40 KB. Moderators load the console once a shift. */
const BUDGETS = { 'embed.js': 40 * 1024, 'console.js': 80 * 1024 };
const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'web');
mkdirSync(out, { recursive: true });

const bundle = (entry, outfile) =>
  build({
    entryPoints: [join(here, entry)],
    outfile: join(out, outfile),
    bundle: true,
    minify: true,
    format: 'iife',
    target: ['es2020', 'chrome100', 'firefox100', 'safari16'],
    jsx: 'automatic',
    jsxImportSource: 'preact',
    legalComments: 'none',
    logLevel: 'warning',
  });
await bundle('embed/main.ts', 'embed.js');
await bundle('console/main.tsx', 'console.js');
copyFileSync(join(here, 'page', 'article.css'), join(out, 'article.css'));
copyFileSync(join(here, 'console', 'console.css'), join(out, 'console.css'));

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
let over = false;
for (const [name, budget] of Object.entries(BUDGETS)) {
  const raw = readFileSync(join(out, name));
  const gzipped = gzipSync(raw, { level: 9 }).length;
  console.log(`web: dist/web/${name} ${kb(raw.length)}, ${kb(gzipped)} gzipped (budget ${kb(budget)})`);
  if (gzipped > budget) {
    console.error(`web: ${name} is ${kb(gzipped)} gzipped, over its ${kb(budget)} budget`);
    over = true;
  }
}
if (over) process.exit(1);
