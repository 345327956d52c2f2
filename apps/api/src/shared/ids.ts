import { createHmac, randomBytes } from 'node:crypto';

export { ARTICLE_ID, REPLY_ID } from '@app/platform';

export const newReplyId = (): string => randomBytes(12).toString('hex');

/**
 * A retried submission with the same Idempotency-Key lands on the same reply id. Keyed, since
 * the parts name the person (`sub`) and reply ids are public: nobody can test a guess.
 */
export const idempotentReplyId = (hashKey: string, ...parts: string[]): string =>
  createHmac('sha256', hashKey).update(parts.join('\u0000')).digest('hex').slice(0, 24);

export function slugify(title: string): string {
  return title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f’']/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 80)
    .replace(/-+$/g, '');
}
