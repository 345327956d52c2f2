import { RememberedWrites } from './remembered-writes';

describe('RememberedWrites', () => {
  it('finds a document read back older than its last write, by position and then event index', () => {
    const writes = new RememberedWrites(10);
    writes.remember('thread', 'a', 7, 2);
    expect(writes.laterWrite('thread', 'a', 6, 9)).toBe(7);
    expect(writes.laterWrite('thread', 'a', 7, 1)).toBe(7);
    expect(writes.laterWrite('thread', 'a', 7, 2)).toBeNull();
    expect(writes.laterWrite('thread', 'a', 8, 0)).toBeNull();
    // Another collection's document of the same id is another document.
    expect(writes.laterWrite('counters', 'a', 1, 0)).toBeNull();
  });

  it('keeps the latest write of a document', () => {
    const writes = new RememberedWrites(10);
    writes.remember('thread', 'a', 7, 0);
    writes.remember('thread', 'a', 9, 0);
    expect(writes.laterWrite('thread', 'a', 8, 0)).toBe(9);
    expect(writes.size).toBe(1);
  });

  it('is exact at large positions and caps a huge event index at the last', () => {
    const writes = new RememberedWrites(10);
    writes.remember('thread', 'a', 2 ** 33 - 1, 5);
    expect(writes.laterWrite('thread', 'a', 2 ** 33 - 1, 4)).toBe(2 ** 33 - 1);
    expect(writes.laterWrite('thread', 'a', 2 ** 33 - 2, 2 ** 30)).toBe(2 ** 33 - 1);
    writes.remember('thread', 'b', 3, 2 ** 30);
    // Past the range both compare as the last index: never a false rollback.
    expect(writes.laterWrite('thread', 'b', 3, 2 ** 31)).toBeNull();
    expect(writes.laterWrite('thread', 'b', 2, 2 ** 31)).toBe(3);
  });

  it('remembers between one and two generations of the latest writes, then forgets the oldest', () => {
    const writes = new RememberedWrites(3);
    for (const [i, id] of ['a', 'b', 'c', 'd', 'e', 'f'].entries()) writes.remember('thread', id, 10 + i, 0);
    expect(writes.size).toBe(6);
    // a..c are the older generation, d..f the newer: all six are still remembered.
    expect(['a', 'b', 'c', 'd', 'e', 'f'].map((id) => writes.laterWrite('thread', id, 1, 0))).toEqual([10, 11, 12, 13, 14, 15]);
    writes.remember('thread', 'g', 16, 0);
    expect(writes.size).toBe(4);
    expect(['a', 'b', 'c'].map((id) => writes.laterWrite('thread', id, 1, 0))).toEqual([null, null, null]);
    expect(['d', 'e', 'f', 'g'].map((id) => writes.laterWrite('thread', id, 1, 0))).toEqual([13, 14, 15, 16]);
  });

  it('a document written again stays when its older copy goes', () => {
    const writes = new RememberedWrites(2);
    writes.remember('thread', 'a', 1, 0);
    writes.remember('thread', 'b', 2, 0);
    writes.remember('thread', 'a', 3, 0); // newer generation
    writes.remember('thread', 'c', 4, 0);
    writes.remember('thread', 'd', 5, 0); // the generation holding the first 'a' goes
    expect(writes.laterWrite('thread', 'a', 2, 0)).toBe(3);
    expect(writes.laterWrite('thread', 'b', 1, 0)).toBeNull();
  });

  it('forgets a document in both generations', () => {
    const writes = new RememberedWrites(1);
    writes.remember('thread', 'a', 1, 0);
    writes.remember('thread', 'a', 2, 0);
    writes.forget('thread', 'a');
    expect(writes.laterWrite('thread', 'a', 0, 0)).toBeNull();
    expect(writes.size).toBe(0);
  });
});
