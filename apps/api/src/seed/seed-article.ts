import { PublishArticle } from '@app/domain';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { slugify } from '../shared/ids';

/** The project's own copy, found from here upwards so it works from the sources and from dist/. */
export function seedArticlePath(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'fixtures', 'seed-article.txt');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('fixtures/seed-article.txt not found');
  }
}

/**
 * The fixture's layout: the title on the first line, then headings and paragraphs separated
 * by blank lines, then "Categories: X" and the author's name; the author's bio is left out.
 */
export function parseSeedArticle(text: string): PublishArticle {
  const lines = text.replace(/\r\n/g, '\n').split('\n').map((l) => l.trim());
  const title = lines[0];
  const categoriesAt = lines.findIndex((l) => /^Categories:/i.test(l));
  if (!title || categoriesAt < 0) throw new Error('seed article: expected a title line and a "Categories:" line');
  const category = lines[categoriesAt].replace(/^Categories:\s*/i, '').trim();
  const author = lines.slice(categoriesAt + 1).find((l) => l.length > 0) ?? 'Staff';
  const body = lines.slice(1, categoriesAt).filter((l) => l.length > 0);
  return { articleId: slugify(title), title, author, category, body, settings: { guestsAllowed: true, moderation: 'post' } };
}

export const loadSeedArticle = (path = seedArticlePath()) => parseSeedArticle(readFileSync(path, 'utf8'));
