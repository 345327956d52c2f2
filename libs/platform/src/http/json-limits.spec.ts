import { jsonLimitProblem } from './json-limits';

const nestedArrays = (depth: number) => JSON.parse('['.repeat(depth) + ']'.repeat(depth));

describe('JSON limits', () => {
  it('passes ordinary bodies and scalars', () => {
    expect(jsonLimitProblem({ body: 'hi', author: { name: 'G', email: 'g@example.org' } })).toBeNull();
    expect(jsonLimitProblem(undefined)).toBeNull();
    expect(jsonLimitProblem(nestedArrays(32))).toBeNull();
  });

  it('refuses one level past the limit, and 100,000 levels without overflowing', () => {
    expect(jsonLimitProblem(nestedArrays(33))?.getStatus()).toBe(400);
    expect(jsonLimitProblem(nestedArrays(100_000))?.getStatus()).toBe(400);
  });

  it.each(['__proto__', 'constructor'])('refuses a %s key anywhere, naming where', (key) => {
    const problem = jsonLimitProblem(JSON.parse(`{"author":{"${key}":{"x":1}}}`));
    expect(problem?.getStatus()).toBe(400);
    expect(problem?.getResponse()).toMatchObject({ errors: [{ field: `author.${key}` }] });
  });
});
