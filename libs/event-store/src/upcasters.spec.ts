import { UpcasterRegistry } from './upcasters';

describe('UpcasterRegistry', () => {
  const registry = new UpcasterRegistry([
    { type: 'reply.submitted', fromVersion: 1, upcast: (d) => ({ ...(d as object), status: 'published' }) },
    { type: 'reply.submitted', fromVersion: 2, upcast: (d) => ({ ...(d as object), depth: 1 }) },
  ]);

  it('upcasts an old event step by step to the current schema', () => {
    expect(registry.upcast({ type: 'reply.submitted', schemaVersion: 1, data: { body: 'x' } })).toEqual({
      type: 'reply.submitted',
      schemaVersion: 3,
      data: { body: 'x', status: 'published', depth: 1 },
    });
  });

  it('leaves current events and other types alone', () => {
    const event = { type: 'reply.edited', schemaVersion: 1, data: { body: 'x' } };
    expect(registry.upcast(event)).toBe(event);
  });

  it('refuses two upcasters for the same step', () => {
    expect(() => registry.register({ type: 'reply.submitted', fromVersion: 1, upcast: (d) => d })).toThrow(/two upcasters/);
  });
});
