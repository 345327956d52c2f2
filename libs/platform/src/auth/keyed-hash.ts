import { createHmac } from 'node:crypto';

/**
 * HMAC-SHA256 under HASH_KEY, separated by purpose so an email and an address with the same
 * text never share a hash. Without the key nobody can test a guess against a stored hash.
 */
export function keyedHash(key: string, purpose: string, value: string): string {
  return createHmac('sha256', key).update(`${purpose}\u0000${value}`).digest('base64url');
}
