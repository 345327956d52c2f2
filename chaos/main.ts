/* npm run chaos [-- --seconds 600 --seed 42]: the fault-injection run, with its figures. */
import { parseArgs } from 'node:util';
import { join } from 'node:path';
import { runChaos, summary } from './run-chaos';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: process.env.CHAOS_SECONDS ?? '600' },
    seed: { type: 'string', default: process.env.CHAOS_SEED },
    'fault-rate': { type: 'string', default: '0.005' },
  },
});
const seed = values.seed ? Number(values.seed) : Math.floor(Math.random() * 1_000_000) + 1;
console.log(`chaos: seed ${seed} (replay with --seed ${seed})`);

runChaos({
  durationMs: Number(values.seconds) * 1000,
  seed,
  root: join(__dirname, '..', '..'),
  storeFaultRate: Number(values['fault-rate']),
  // A fault every 5 to 10 s: time for a failover (lease plus wait-out, about 5 s) between two.
  faultEveryMs: [5_000, 10_000],
})
  .then((report) => {
    console.log(summary(report));
    if (!report.ok) {
      for (const [what, list] of [['lost', report.lost], ['doubled', report.doubled], ['unsequenced', report.unsequenced]] as const) {
        if (list.length) console.log(`${what}: ${list.slice(0, 20).join(', ')}`);
      }
      for (const d of report.drift.slice(0, 20)) console.log(`drift: ${d.collection} ${d.id} ${d.field}: live ${JSON.stringify(d.live)} rebuilt ${JSON.stringify(d.rebuilt)}`);
    }
    process.exit(report.ok ? 0 : 1);
  })
  .catch((error) => {
    console.error(error);
    process.exit(1);
  });
