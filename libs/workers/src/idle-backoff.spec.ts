import { pollWithBackoff } from './idle-backoff';

describe('pollWithBackoff', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  /** Times (fake ms) at which `work` ran, with what each round returns taken from `results`. */
  async function rounds(results: (number | Error)[], until: number): Promise<{ at: number[]; errors: string[] }> {
    const at: number[] = [];
    const errors: string[] = [];
    const started = Date.now();
    const stop = pollWithBackoff(
      100,
      4,
      async () => {
        at.push(Date.now() - started);
        const next = results.shift() ?? 0;
        if (next instanceof Error) throw next;
        return next;
      },
      (error) => errors.push(error.message),
    );
    await jest.advanceTimersByTimeAsync(until);
    stop();
    return { at, errors };
  }

  it('doubles the pause while idle, up to four intervals', async () => {
    const { at } = await rounds([], 1_500);
    expect(at).toEqual([100, 300, 700, 1_100, 1_500]);
  });

  it('comes back to one interval on the first round with work', async () => {
    const { at } = await rounds([0, 0, 3, 0], 1_200);
    // idle: +200, +400; work: +100; idle again: +200, +400
    expect(at).toEqual([100, 300, 700, 800, 1_000]);
  });

  it('takes a failed round as work and reports it', async () => {
    const { at, errors } = await rounds([0, 0, new Error('store down'), 0], 1_000);
    expect(at).toEqual([100, 300, 700, 800, 1_000]);
    expect(errors).toEqual(['store down']);
  });

  it('runs nothing once stopped, even a round already scheduled', async () => {
    let ran = 0;
    const stop = pollWithBackoff(100, 4, async () => ++ran && 0, () => undefined);
    await jest.advanceTimersByTimeAsync(150);
    stop();
    await jest.advanceTimersByTimeAsync(2_000);
    expect(ran).toBe(1);
  });

  it('schedules nothing after a round that was running when it was stopped', async () => {
    let ran = 0;
    let finish: () => void = () => undefined;
    const stop = pollWithBackoff(100, 4, () => new Promise<number>((resolve) => (ran++, (finish = () => resolve(1)))), () => undefined);
    await jest.advanceTimersByTimeAsync(100);
    expect(ran).toBe(1);
    stop();
    finish();
    await jest.advanceTimersByTimeAsync(0);
    // No timer left behind to keep the process alive, and no further round.
    expect(jest.getTimerCount()).toBe(0);
    await jest.advanceTimersByTimeAsync(2_000);
    expect(ran).toBe(1);
  });
});
