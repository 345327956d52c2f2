import { InvalidCommandError } from '../shared/domain-errors';
import { Commenter } from './commenter';

const now = new Date('2026-03-01T12:00:00.000Z');

describe('Commenter.erase', () => {
  it('records a commenter\'s own request once, with a fixed reason', () => {
    const commenter = Commenter.of('c1');
    commenter.erase({ requestedBy: 'commenter', reason: 'ignored' }, now);
    commenter.erase({ requestedBy: 'commenter' }, now);
    expect(commenter.pullEvents()).toEqual([
      { type: 'commenter.erased', schemaVersion: 1, data: { commenterId: 'c1', requestedBy: 'commenter', reason: 'requested by the commenter', erasedAt: now.toISOString() } },
    ]);
    expect(commenter.erased).toBe(true);
  });

  it('an admin must give the request it answers: visible, one line, bounded', () => {
    for (const reason of [undefined, '', '  ', '\u200b', 'a\u0000b', 'x'.repeat(501)]) {
      expect(() => Commenter.of('c1').erase({ requestedBy: 'admin', reason }, now)).toThrow(InvalidCommandError);
    }
    const commenter = Commenter.of('c1');
    commenter.erase({ requestedBy: 'admin', reason: '  Request #12  ' }, now);
    expect(commenter.pullEvents()[0].data).toMatchObject({ requestedBy: 'admin', reason: 'Request #12' });
  });

  it('a rehydrated erased commenter records nothing more', () => {
    const first = Commenter.of('c1');
    first.erase({ requestedBy: 'commenter' }, now);
    const again = new Commenter().rehydrate(first.pullEvents());
    again.erase({ requestedBy: 'admin', reason: 'later request' }, now);
    expect(again.pullEvents()).toEqual([]);
    expect(again.id).toBe('c1');
  });
});
