import { InvalidCommandError, RuleViolationError } from '../shared/domain-errors';
import { MAX_BATCH_REPLIES, ModerationBatch } from './batch';

const t0 = new Date('2026-03-01T12:00:00.000Z');
const request = (replyIds: string[]) => ModerationBatch.request({ batchId: 'b1', action: 'reject', reason: ' flood ', selection: { replyIds } }, t0);
const replay = (b: ModerationBatch) => new ModerationBatch().rehydrate(b.pullEvents());

describe('ModerationBatch', () => {
  it('names between 1 and MAX_BATCH_REPLIES distinct replies', () => {
    expect(() => request([])).toThrow(InvalidCommandError);
    expect(() => request(['r1', 'r1'])).toThrow(/named twice/);
    expect(() => request(Array.from({ length: MAX_BATCH_REPLIES + 1 }, (_, i) => `r${i}`))).toThrow(/at most/);
    expect(request(['r1']).pullEvents()[0].data).toMatchObject({ reason: 'flood', action: 'reject', selection: { replyIds: ['r1'] } });
  });

  it('records each reply once, however often a retried job reports it', () => {
    const batch = replay(request(['r1', 'r2', 'r3']));
    batch.progress({ changed: ['r1'], unchanged: [{ replyId: 'r2', status: 'rejected' }], failed: [] });
    batch.progress({ changed: ['r1', 'r3'], unchanged: [{ replyId: 'r2', status: 'rejected' }], failed: [] });
    batch.progress({ changed: ['r1'], unchanged: [], failed: [] });
    const events = batch.pullEvents();
    expect(events.map((e) => e.type)).toEqual(['batch.progressed', 'batch.progressed']);
    expect(events[1].data).toEqual({ batchId: 'b1', changed: ['r3'], unchanged: [], failed: [] });
  });

  it('is undone once, only after it has run', () => {
    const batch = replay(request(['r1']));
    expect(() => batch.requestUndo(t0)).toThrow(/still running/);
    batch.progress({ changed: ['r1'], unchanged: [], failed: [] });
    batch.complete(t0);
    batch.requestUndo(t0);
    expect(() => batch.requestUndo(t0)).toThrow(RuleViolationError);
    batch.undoProgress({ restored: ['r1'], changedSince: [] });
    batch.undoProgress({ restored: ['r1'], changedSince: [] });
    batch.completeUndo(t0);
    expect(() => batch.requestUndo(t0)).toThrow(/already undone/);
    expect(batch.pullEvents().map((e) => e.type)).toEqual(['batch.progressed', 'batch.completed', 'batch.undo-requested', 'batch.undo-progressed', 'batch.undone']);
  });
});

describe('ModerationBatch under a job run twice', () => {
  it('a run that another finished meanwhile records nothing and is not refused; something new is', () => {
    const batch = replay(request(['r1', 'r2']));
    batch.progress({ changed: ['r1', 'r2'], unchanged: [], failed: [] });
    batch.complete(t0);
    batch.pullEvents();
    batch.progress({ changed: ['r2'], unchanged: [], failed: [] });
    batch.complete(t0);
    expect(batch.pullEvents()).toEqual([]);
    expect(() => batch.progress({ changed: ['r3'], unchanged: [], failed: [] })).toThrow(/completed/);
  });

  it('takes a decision per reply only as a batch of decisions, each a moderator action on a distinct reply', () => {
    const decisions = [
      { replyId: 'r1', action: 'reject' as const, seenVersion: 2 },
      { replyId: 'r2', action: 'approve' as const, seenVersion: 3 },
    ];
    const perReply = (selection: Parameters<typeof ModerationBatch.request>[0]['selection'], action: 'per-reply' | 'reject' = 'per-reply') => ModerationBatch.request({ batchId: 'b2', action, reason: null, selection }, t0);
    const batch = replay(perReply({ decisions }));
    expect(batch.replyIds).toEqual(['r1', 'r2']);
    expect(batch.decisionOn('r2')).toEqual({ action: 'approve', seenVersion: 3 });
    expect(replay(request(['r1'])).decisionOn('r1')).toEqual({ action: 'reject', seenVersion: null });
    expect(() => perReply({ decisions }, 'reject')).toThrow(InvalidCommandError);
    expect(() => perReply({ replyIds: ['r1'] })).toThrow(InvalidCommandError);
    expect(() => perReply({ decisions: [] })).toThrow(/at least one/);
    expect(() => perReply({ decisions: [decisions[0], decisions[0]] })).toThrow(/named twice/);
    expect(() => perReply({ decisions: [{ replyId: 'r1', action: 'restore' as 'reject', seenVersion: 1 }] })).toThrow(/no moderator action/);
  });
});
