import { ProblemException } from './problem';

/** Our deepest request is 3 levels; this leaves room and stops the recursion of transformers. */
export const MAX_JSON_DEPTH = 32;

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor']);

/**
 * Why a parsed JSON body is refused before any transformation: too deep (class-transformer
 * and class-validator recurse, thousands of levels overflow the stack), or a `__proto__` or
 * `constructor` key (class-transformer drops them silently, so the whitelist never sees
 * them; no DTO has such a field). Iterative, so the check itself cannot overflow.
 */
export function jsonLimitProblem(body: unknown, maxDepth = MAX_JSON_DEPTH): ProblemException | null {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value: body, depth: 1, path: '' }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > maxDepth) return new ProblemException(400, `request body is nested deeper than ${maxDepth} levels`);
    for (const [key, child] of Object.entries(value)) {
      const field = path ? `${path}.${key}` : key;
      if (PROTOTYPE_KEYS.has(key)) return new ProblemException(400, `invalid input: ${field}`, [{ field, message: `${field} is not a field` }]);
      stack.push({ value: child, depth: depth + 1, path: field });
    }
  }
  return null;
}

/** Express middleware after the JSON parser. */
export const jsonLimits =
  (maxDepth = MAX_JSON_DEPTH) =>
  (req: { body?: unknown }, _res: unknown, next: (error?: unknown) => void): void =>
    next(jsonLimitProblem(req.body, maxDepth) ?? undefined);
