// Builds what browsers load: the embed (web/embed, Preact, bundled and minified by esbuild)
// and the article page's stylesheet, into dist/web. Prints the embed's gzipped size and fails
// when it is over the budget (docs/decisions/0036). Part of `npm run build`.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_BYTES = 40 * 1024;
const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, '..', 'dist', 'web');
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, 'embed', 'main.ts')],
  outfile: join(out, 'embed.js'),
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2020', 'chrome100', 'firefox100', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});
copyFileSync(join(here, 'page', 'article.css'), join(out, 'article.css'));

const raw = readFileSync(join(out, 'embed.js'));
const gzipped = gzipSync(raw, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log(`web: dist/web/embed.js ${kb(raw.length)}, ${kb(gzipped)} gzipped (budget ${kb(BUDGET_BYTES)})`);
if (gzipped > BUDGET_BYTES) {
  console.error(`web: the embed is ${kb(gzipped)} gzipped, over its ${kb(BUDGET_BYTES)} budget`);
  process.exit(1);
}
