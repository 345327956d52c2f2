import { jobId } from './jobs';

describe('jobId', () => {
  it('is deterministic, never a bare integer, and never contains ":"', () => {
    expect(jobId('commit', 'reply-abc:1')).toBe('commit-reply-abc_1');
    expect(jobId('commit', 'reply-abc:1')).toBe(jobId('commit', 'reply-abc:1'));
    expect(jobId('position', 42)).toBe('position-42');
    expect(jobId('position', 42)).not.toMatch(/^\d+$/);
  });
});
