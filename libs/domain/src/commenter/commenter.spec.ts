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

describe('Commenter standing', () => {
  const later = (minutes: number) => new Date(now.getTime() + minutes * 60_000);

  it('a suspension refuses replies until it ends, by itself once its time is past', () => {
    const commenter = Commenter.of('c1');
    commenter.changeStanding({ standing: 'suspended', reason: 'cool off', durationMinutes: 60 }, now);
    expect(() => commenter.assertMayReply(later(59))).toThrow(/suspended from replying until 2026-03-01T13:00/);
    expect(() => commenter.assertMayReply(later(60))).not.toThrow();
    commenter.endSuspension(later(60).toISOString(), later(30));
    expect(commenter.pullEvents()).toHaveLength(1);
    commenter.endSuspension(later(60).toISOString(), later(61));
    expect(commenter.pullEvents()[0].data).toMatchObject({ standing: 'normal', previousStanding: 'suspended' });
  });

  it('the end of a replaced suspension records nothing', () => {
    const commenter = Commenter.of('c1');
    commenter.changeStanding({ standing: 'suspended', reason: null, durationMinutes: 10 }, now);
    commenter.changeStanding({ standing: 'banned', reason: 'again', rejectAllBatchId: 'b1' }, later(1));
    commenter.pullEvents();
    commenter.endSuspension(later(10).toISOString(), later(20));
    expect(commenter.pullEvents()).toEqual([]);
    expect(() => commenter.assertMayReply(later(20))).toThrow(/banned/);
  });

  it('a duration only for a suspension, reject-all only for a ban; the same standing again records nothing', () => {
    expect(() => Commenter.of('c1').changeStanding({ standing: 'suspended', reason: null }, now)).toThrow(InvalidCommandError);
    expect(() => Commenter.of('c1').changeStanding({ standing: 'suspended', reason: null, durationMinutes: 0 }, now)).toThrow(/duration/);
    expect(() => Commenter.of('c1').changeStanding({ standing: 'premod', reason: null, durationMinutes: 5 }, now)).toThrow(/only a suspension/);
    expect(() => Commenter.of('c1').changeStanding({ standing: 'trusted', reason: null, rejectAllBatchId: 'b' }, now)).toThrow(/only a ban/);
    const commenter = Commenter.of('c1');
    commenter.changeStanding({ standing: 'premod', reason: null }, now);
    commenter.changeStanding({ standing: 'premod', reason: null }, now);
    commenter.changeStanding({ standing: 'restore', reason: null }, now);
    expect(commenter.pullEvents().map((e) => (e.data as { standing: string }).standing)).toEqual(['premod', 'normal']);
  });
});
