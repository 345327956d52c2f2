import { join } from 'node:path';
import { runChaos, summary } from '../chaos/run-chaos';

/**
 * The short fault-injection run (npm run chaos runs the long one): two workers with a 2 s
 * lease, the API, and their own FerretDB and Redis, under load while the plan pauses and
 * kills them and restarts the stores. Needs the build that npm test makes first.
 */
describe('the system under faults', () => {
  it('loses nothing, doubles nothing and ends with every view equal to a rebuild', async () => {
    const seed = Number(process.env.CHAOS_SEED ?? Math.floor(Math.random() * 1_000_000) + 1);
    const report = await runChaos({ durationMs: 40_000, seed, root: join(__dirname, '..'), faultEveryMs: [2_500, 5_000], say: () => undefined });
    console.log(summary(report));
    expect({ seed, lost: report.lost, doubled: report.doubled, unsequenced: report.unsequenced, drift: report.drift.slice(0, 5), unscreened: report.unscreened.slice(0, 5) }).toEqual({ seed, lost: [], doubled: [], unsequenced: [], drift: [], unscreened: [] });
    expect(report).toMatchObject({ rebuild: { state: 'done' }, dense: true, inStreamOrder: true, afterDependencies: true, sequencedAtMonotonic: true, stalls: 0, parked: 0, countsMatch: true, erasuresComplete: true });
    expect(report.accepted.replies).toBeGreaterThan(100);
    expect(report.accepted.erasures).toBeGreaterThan(0);
    expect(Object.values(report.faults).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(5);
  }, 300_000);
});
