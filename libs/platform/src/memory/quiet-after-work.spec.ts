import { QuietAfterWork } from './quiet-after-work';

const run = (windows: number[]) => {
  const decider = new QuietAfterWork();
  return windows.map((u) => decider.observe(u));
};

describe('quiet after work', () => {
  it('a process that never worked is never told to release', () => {
    expect(run([0.004, 0.01, 0.019, 0.03, 0.004])).toEqual([false, false, false, false, false]);
  });

  it('the first quiet window after work releases, once', () => {
    expect(run([0.004, 0.4, 0.8, 0.005, 0.004, 0.004])).toEqual([false, false, false, true, false, false]);
  });

  it('a window between quiet and busy neither counts as work nor releases', () => {
    expect(run([0.3, 0.03, 0.04, 0.01])).toEqual([false, false, false, true]);
    expect(run([0.03, 0.04, 0.01])).toEqual([false, false, false]);
  });

  it('each new spell of work earns one more release', () => {
    expect(run([0.5, 0.01, 0.01, 0.06, 0.01, 0.01])).toEqual([false, true, false, false, true, false]);
  });

  it('the thresholds are inclusive for work and exclusive for quiet', () => {
    expect(run([0.05, 0.02, 0.0199])).toEqual([false, false, true]);
  });
});
