import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** What `npm run build` writes for browsers (web/build.mjs): the embed, the console and their pages' styles. */
export const WEB_ASSETS = {
  'embed.js': 'text/javascript; charset=utf-8',
  'article.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
} as const;
export type WebAsset = keyof typeof WEB_ASSETS;

/** dist/web, found from here upwards so it works from the sources (tests) and from dist/. */
export function webAssetsDir(from = __dirname): string | null {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'dist', 'web');
    if (existsSync(join(candidate, 'embed.js'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

/** Read once per process: the files change only with a new build, which means a restart. */
const cache = new Map<WebAsset, Buffer>();

export function readWebAsset(name: WebAsset): Buffer | null {
  const cached = cache.get(name);
  if (cached) return cached;
  const dir = webAssetsDir();
  if (!dir || !existsSync(join(dir, name))) return null;
  const content = readFileSync(join(dir, name));
  cache.set(name, content);
  return content;
}
