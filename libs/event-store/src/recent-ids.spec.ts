import { RecentIds } from './sequencer';

describe('RecentIds', () => {
  it('forgets the id least recently added or asked for, and holds at most its size', () => {
    const ids = new RecentIds(3);
    ['a', 'b', 'c'].forEach((id) => ids.add(id));
    // Asking for 'a' keeps it: an article's first commit is asked for by each reply.
    expect(ids.has('a')).toBe(true);
    ids.add('d');
    expect(['a', 'b', 'c', 'd'].map((id) => ids.has(id))).toEqual([true, false, true, true]);
    ids.add('e'); // 'a' was asked for before 'c' and 'd' above
    expect(['a', 'c', 'd', 'e'].map((id) => ids.has(id))).toEqual([false, true, true, true]);
  });

  it('adding a known id again forgets nothing else', () => {
    const ids = new RecentIds(2);
    ids.add('a');
    ids.add('b');
    ids.add('b');
    expect([ids.has('a'), ids.has('b')]).toEqual([true, true]);
  });
});
