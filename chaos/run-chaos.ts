/* The fault-injection run: the whole system under load while processes and stores fail. */
import { DOMAIN_UPCASTERS } from '@app/domain';
import { CommitDocument, EventStoreCollections, LogEntry, MongoLogReader, mongoPersonalDataCipher, SeededFaults, UpcasterRegistry } from '@app/event-store';
import { ArticleView, currentViewNames, liveProjections, RebuildCollections, RebuildDocument, verifyViews, ViewCollections, ViewDifference } from '@app/read-models';
import { DEFAULT_POLICY } from '@app/moderation';
import { SCREENING_BACKLOG } from '@app/screening';
import { DEV_DATA_KEY_SECRET, UNREACHABLE_RATE_LIMITS } from '@app/platform';
import { JwtService } from '@nestjs/jwt';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { freePort, Supervised, waitForPort } from './processes';

export interface ChaosOptions {
  /** How long the load and the faults last. */
  durationMs: number;
  seed: number;
  /** Repository root: dist/ and tools/ferretdb/bin are found from here. */
  root: string;
  /** Pause between two faults, drawn between these. */
  faultEveryMs?: [number, number];
  /** Share of the workers' store calls that fail on purpose. */
  storeFaultRate?: number;
  say?: (line: string) => void;
}

export type FaultKind = 'pause-worker' | 'kill-worker' | 'kill-api' | 'restart-redis' | 'restart-store';

export interface ChaosReport {
  seed: number;
  durationMs: number;
  faults: Record<FaultKind, number>;
  /** Share of the workers' store writes failed on purpose (a twentieth of that for lookups). */
  storeFaultRate: number;
  requests: number;
  accepted: { replies: number; edits: number; retractions: number; erasures: number; reactions: number };
  /** Accepted commits missing from the log. */
  lost: string[];
  /** Commits present more than once in the log. */
  doubled: string[];
  /** Commits in the store that never reached the log. */
  unsequenced: string[];
  /** Views that differ from a rebuild of the same log. */
  drift: ViewDifference[];
  logLength: number;
  dense: boolean;
  inStreamOrder: boolean;
  afterDependencies: boolean;
  sequencedAtMonotonic: boolean;
  /** Periods of 20 s or more in which replies were accepted and the log did not move. */
  stalls: number;
  parked: number;
  countsMatch: boolean;
  /** Every erased commenter's replies carry `reply.erased` in the log, and their key is gone. */
  erasuresComplete: boolean;
  /** Replies whose latest text never got a verdict (nor a moderator, a retraction, an erasure). */
  unscreened: string[];
  /** The rebuild of every view an admin asked for a third of the way in: done means each flipped. */
  rebuild: { id: string | null; state: string | null };
  settled: boolean;
  settledMs: number;
  ok: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SECRET = 'chaos-secret-chaos-secret';
const TIMING = { LEASE_TTL_MS: '2000', LEASE_MARGIN_MS: '800', STORE_TIMEOUT_MS: '600' };
const REQUEST_EVERY_MS = 120;

export async function runChaos(options: ChaosOptions): Promise<ChaosReport> {
  const say = options.say ?? ((line: string) => console.log(line));
  // The fault plan has a generator of its own, so the same seed draws the same faults
  // however the load's timing turns out; the load draws from another.
  const faultRng = new SeededFaults(options.seed, 1);
  const loadRng = new SeededFaults(options.seed * 7919 + 1, 1);
  const pick = <T>(items: readonly T[], rng = loadRng) => items[Math.floor(rng.next() * items.length)];
  const between = ([a, b]: [number, number]) => a + Math.floor(faultRng.next() * (b - a));
  const faultEvery = options.faultEveryMs ?? [3_000, 6_000];
  const storeFaultRate = options.storeFaultRate ?? 0.005;

  const dataDir = join(options.root, 'data', `chaos-${options.seed}`);
  rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(join(dataDir, 'ferretdb'), { recursive: true });
  const [storePort, redisPort, apiPort] = await Promise.all([freePort(), freePort(), freePort()]);
  const mongoUrl = `mongodb://127.0.0.1:${storePort}/chaos`;
  const redisUrl = `redis://127.0.0.1:${redisPort}`;
  const log = (name: string) => join(dataDir, `${name}.log`);

  const store = new Supervised('ferretdb', join(options.root, 'tools/ferretdb/bin/ferretdb'), ['-listen', `127.0.0.1:${storePort}`, '-dir', join(dataDir, 'ferretdb')], process.env, log('ferretdb'));
  const redis = new Supervised('redis', 'redis-server', ['--bind', '127.0.0.1', '--port', String(redisPort), '--save', '', '--appendonly', 'no'], process.env, log('redis'));
  const common = {
    ...process.env,
    MONGO_URL: mongoUrl,
    REDIS_URL: redisUrl,
    JWT_SECRET: SECRET,
    QUEUE_PREFIX: 'chaos',
    POLL_INTERVAL_MS: '200',
    MARKER_GRACE_MS: '3000',
    // Redis restarts here lose queued jobs: the screening sweeper queues them again soon.
    SCREENING_RETRY_AFTER_MS: '4000',
    // Four readers at several requests a second: screened, without velocity limits holding them.
    MODERATION_POLICY: JSON.stringify({ ...DEFAULT_POLICY, velocity: { perCommenterPerMinute: 100_000, perNetworkPerMinute: 100_000 }, repetition: { maxSameText: 100_000 } }),
    // The same for the API's rate limits: they stay on, out of reach.
    ...UNREACHABLE_RATE_LIMITS,
    ...TIMING,
  };
  const api = new Supervised('api', process.execPath, [join(options.root, 'dist/apps/api/src/main.js')], { ...common, PORT: String(apiPort), RUN_WORKER: 'false', SEED_ARTICLE: 'true' }, log('api'));
  const workers = [1, 2].map(
    (n) =>
      new Supervised(`worker-${n}`, process.execPath, [join(options.root, 'dist/apps/worker/src/main.js')], {
        ...common,
        CHAOS_FAULT_RATE: String(storeFaultRate),
        CHAOS_FAULT_SEED: String(options.seed * 10 + n),
      }, log(`worker-${n}`)),
  );
  const everything = [store, redis, api, ...workers];

  const base = `http://127.0.0.1:${apiPort}`;
  const jwt = new JwtService();
  const token = (role: string, sub: string) => jwt.sign({ sub, name: sub, role }, { secret: SECRET, algorithm: 'HS256', expiresIn: '2h' });
  const admin = token('admin', 'chaos-admin');

  const conn = mongoose.createConnection(mongoUrl, { serverSelectionTimeoutMS: 2_000 });
  conn.on('error', () => undefined);
  const report: ChaosReport = {
    seed: options.seed,
    durationMs: options.durationMs,
    faults: { 'pause-worker': 0, 'kill-worker': 0, 'kill-api': 0, 'restart-redis': 0, 'restart-store': 0 },
    storeFaultRate,
    requests: 0,
    accepted: { replies: 0, edits: 0, retractions: 0, erasures: 0, reactions: 0 },
    lost: [],
    doubled: [],
    unsequenced: [],
    drift: [],
    logLength: 0,
    dense: false,
    inStreamOrder: false,
    afterDependencies: false,
    sequencedAtMonotonic: false,
    stalls: 0,
    parked: 0,
    countsMatch: false,
    erasuresComplete: false,
    unscreened: [],
    rebuild: { id: null, state: null },
    settled: false,
    settledMs: 0,
    ok: false,
  };

  try {
    store.start();
    redis.start();
    await Promise.all([waitForPort(storePort, 15_000), waitForPort(redisPort, 15_000)]);
    api.start();
    for (const w of workers) w.start();
    await waitForPort(apiPort, 30_000);
    await conn.asPromise();

    async function call(method: string, path: string, auth: string, body?: unknown, headers: Record<string, string> = {}) {
      report.requests += 1;
      try {
        const res = await fetch(`${base}${path}`, {
          method,
          headers: { 'content-type': 'application/json', authorization: `Bearer ${auth}`, ...headers },
          body: body === undefined ? undefined : JSON.stringify(body),
          signal: AbortSignal.timeout(8_000),
        });
        return { status: res.status, body: (await res.json().catch(() => null)) as Record<string, unknown> | null };
      } catch {
        return { status: 0, body: null };
      }
    }

    const articles = ['chaos-a', 'chaos-b', 'chaos-c'];
    for (const id of articles) {
      for (;;) {
        const res = await call('POST', '/articles', admin, { id, title: id, author: 'Chaos', category: 'Test', body: ['p'], settings: { maxDepth: 3 } });
        if (res.status === 202 || res.status === 409) break;
        await sleep(200);
      }
    }

    // What the load was told was done: each must be in the log exactly once at the end.
    const acceptedCommits = new Set<string>();
    const erasedCommenters = new Set<string>();
    interface Mine {
      id: string;
      depth: number;
      version: number;
      article: string;
      retracted: boolean;
    }
    /** Every reader's replies, for the others to react to. */
    const everyone: { id: string; by: string }[] = [];
    const deadline = Date.now() + options.durationMs;
    const headReader = new MongoLogReader(conn.db!, new UpcasterRegistry(DOMAIN_UPCASTERS), mongoPersonalDataCipher(conn.db!, DEV_DATA_KEY_SECRET));
    let lastHead = 0;
    let lastAdvance = Date.now();
    let acceptedAtAdvance = 0;

    // A steady load, not a flood: each of the four readers sends at most one request every
    // REQUEST_EVERY_MS, so the faults, not the machine's two cores, decide what happens.
    const load = async (n: number) => {
      const auth = token('reader', `chaos-reader-${n}`);
      const mine: Mine[] = [];
      while (Date.now() < deadline) {
        const started = Date.now();
        await step(auth, mine);
        await sleep(Math.max(0, REQUEST_EVERY_MS - (Date.now() - started)));
      }
    };

    const step = async (auth: string, mine: Mine[]) => {
      const roll = loadRng.next();
      const live = mine.filter((m) => !m.retracted);
      if (roll < 0.6 || live.length === 0) {
        const article = pick(articles);
        const parent = loadRng.next() < 0.4 ? live.filter((m) => m.article === article && m.depth < 3)[0] : undefined;
        const res = await call('POST', `/articles/${article}/replies`, auth, { body: `chaos reply ${report.requests}`, ...(parent ? { parentId: parent.id } : {}) });
        if (res.status === 202 && res.body) {
          const id = String(res.body.id);
          mine.push({ id, depth: parent ? parent.depth + 1 : 1, version: 1, article, retracted: false });
          everyone.push({ id, by: auth });
          acceptedCommits.add(`reply-${id}:1`);
          report.accepted.replies += 1;
        }
      } else if (roll < 0.7 && everyone.some((r) => r.by !== auth)) {
        // A reaction, or taking one back, on someone else's reply (refused unless published):
        // the thread's and reply details' counts must equal a rebuild (`drift`).
        const target = pick(everyone.filter((r) => r.by !== auth));
        const type = pick(['like', 'insightful', 'funny']);
        const res = await call(loadRng.next() < 0.7 ? 'PUT' : 'DELETE', `/replies/${target.id}/reactions/${type}`, auth);
        if (res.status === 201 || res.status === 204) report.accepted.reactions += 1;
      } else if (roll < 0.85) {
        const target = pick(live);
        const res = await call('PATCH', `/replies/${target.id}`, auth, { body: `edited ${report.requests}` });
        if (res.status === 200 && res.body) {
          target.version = Number(res.body.version);
          acceptedCommits.add(`reply-${target.id}:${target.version}`);
          report.accepted.edits += 1;
        }
      } else if (roll < 0.985) {
        const target = pick(live);
        const res = await call('DELETE', `/replies/${target.id}`, auth);
        if (res.status === 200 && res.body) {
          target.version = Number(res.body.version);
          target.retracted = true;
          acceptedCommits.add(`reply-${target.id}:${target.version}`);
          report.accepted.retractions += 1;
        }
      } else {
        // The reader erases themselves and carries on as a new commenter.
        const res = await call('DELETE', '/me', auth);
        if (res.status === 202 && res.body) {
          for (const { commenterId } of res.body.erased as { commenterId: string }[]) {
            erasedCommenters.add(commenterId);
            acceptedCommits.add(`commenter-${commenterId}:1`);
          }
          report.accepted.erasures += 1;
          mine.length = 0;
        }
      }
    };

    const watch = async () => {
      while (Date.now() < deadline) {
        await sleep(1_000);
        const head = await headReader.head().catch(() => null);
        const accepted = report.accepted.replies + report.accepted.edits + report.accepted.retractions;
        if (head !== null && head > lastHead) {
          lastHead = head;
          lastAdvance = Date.now();
          acceptedAtAdvance = accepted;
        } else if (Date.now() - lastAdvance > 20_000 && accepted > acceptedAtAdvance) {
          report.stalls += 1;
          say(`chaos: the log has not moved for 20 s while replies were accepted (head ${lastHead})`);
          lastAdvance = Date.now();
        }
      }
    };

    const faults = async () => {
      while (Date.now() < deadline - 4_000) {
        await sleep(between(faultEvery));
        const kind = pick<FaultKind>(['pause-worker', 'pause-worker', 'kill-worker', 'kill-api', 'restart-redis', 'restart-store'], faultRng);
        report.faults[kind] += 1;
        say(`chaos: ${kind} at ${Math.round((options.durationMs - (deadline - Date.now())) / 1000)} s`);
        switch (kind) {
          case 'pause-worker': {
            // Past its lease (2 s), then it wakes up believing it still holds it.
            const w = pick(workers, faultRng);
            w.signal('SIGSTOP');
            await sleep(2_500 + between([0, 2_000]));
            w.signal('SIGCONT');
            break;
          }
          case 'kill-worker':
            pick(workers, faultRng).kill();
            break;
          case 'kill-api':
            api.kill();
            break;
          case 'restart-redis':
            redis.kill();
            break;
          case 'restart-store':
            store.kill();
            break;
        }
      }
    };

    // An admin rebuilds every view while the load and the faults go on: it must end flipped,
    // with the views equal to a rebuild from scratch like the rest.
    const rebuild = async () => {
      await sleep(options.durationMs / 3);
      while (Date.now() < deadline && report.rebuild.id === null) {
        const res = await call('POST', '/admin/rebuilds', admin, { projection: 'all', batchSize: 1000 });
        if (res.status === 202 && res.body) report.rebuild.id = String(res.body.id);
        else await sleep(500);
      }
    };

    await Promise.all([faults(), watch(), rebuild(), ...[1, 2, 3, 4].map(load)]);
    say(`chaos: load over; ${report.requests} requests, accepted ${JSON.stringify(report.accepted)}; settling`);

    // Everything back up, then wait until the log and every view have caught up.
    for (const w of workers) if (w.paused) w.signal('SIGCONT');
    const settleStart = Date.now();
    const db = conn.db!;
    const reader = new MongoLogReader(db, new UpcasterRegistry(DOMAIN_UPCASTERS), mongoPersonalDataCipher(db, DEV_DATA_KEY_SECRET));
    let log: LogEntry[] = [];
    // Settled: the inbox empty and every projector at the sequencer's head, looked at with a
    // few cheap reads every 2 s (a heavy check here would slow what it waits for); given up
    // after a minute in which nothing moved. The full checks follow either way.
    let progress = '';
    let movedAt = Date.now();
    let quietSince: number | null = null;
    for (;;) {
      try {
        const head = await reader.head();
        const checkpoints = await db.collection<{ _id: string; position: number }>(EventStoreCollections.checkpoints).find({}).toArray();
        // The side-effect consumers too: erasures are finished by the commenter ledger.
        const names = await currentViewNames(db);
        const consumers = [...liveProjections().map((p) => names.consumerName(p)), 'commenter-ledger@1', 'screening-dispatcher@1'];
        // A late write reported but not yet replayed counts as work still to do; one against a
        // generation a rebuild replaced does not (nothing reads or replays that one any more).
        const inbox =
          (await db.collection(EventStoreCollections.inbox).findOne({})) ??
          (await db.collection(SCREENING_BACKLOG).findOne({})) ??
          (await db.collection(EventStoreCollections.lateWrites).findOne({ consumer: { $in: consumers } }));
        // A rebuild still under way is work still to do; its progress counts as movement.
        const rebuilding = report.rebuild.id ? await db.collection<RebuildDocument>(RebuildCollections.rebuilds).findOne({ _id: report.rebuild.id }) : null;
        report.rebuild.state = rebuilding?.state ?? report.rebuild.state;
        const rebuildBusy = rebuilding !== null && (rebuilding.state === 'queued' || rebuilding.state === 'running');
        const at = consumers.map((name) => checkpoints.find((c) => c._id === name)?.position ?? 0);
        if (!inbox && !rebuildBusy && at.every((p) => p === head)) {
          // The head hint may trail the chunks: settled only if the log really ends there.
          log = await readAll(reader);
          const end = log.length ? log[log.length - 1].position : 0;
          const unsequenced = await db.collection(EventStoreCollections.commits).countDocuments({ position: { $exists: false } });
          // Twice in a row, 2 s apart: a worker resumed just now may still report a late write.
          if (end === head && unsequenced === 0) {
            if (quietSince !== null && Date.now() - quietSince >= 2_000) {
              report.settled = true;
              break;
            }
            quietSince ??= Date.now();
          } else quietSince = null;
        } else {
          quietSince = null;
        }
        const now = `${head}/${at.join(',')}/${rebuilding?.progress.done ?? ''}`;
        if (now !== progress) (progress = now), (movedAt = Date.now());
      } catch {
        // the store may still be coming back
      }
      if (Date.now() - movedAt > 60_000) {
        say('chaos: nothing moved for 60 s while settling; checking what is there');
        log = await readAll(reader);
        break;
      }
      await sleep(2_000);
    }
    report.settledMs = Date.now() - settleStart;

    // The checks: a dense log, every commit once, in order, and views equal to a rebuild.
    report.logLength = log.length;
    report.dense = log.every((e, i) => e.position === i + 1);
    const seen = new Map<string, number>();
    for (const e of log) seen.set(e.commitId, (seen.get(e.commitId) ?? 0) + 1);
    report.doubled = [...seen].filter(([, n]) => n > 1).map(([id]) => id);
    report.lost = [...acceptedCommits].filter((id) => !seen.has(id));
    const commits = await db.collection<CommitDocument>(EventStoreCollections.commits).find({}).toArray();
    report.unsequenced = commits.filter((c) => !seen.has(c._id)).map((c) => c._id);
    const at = new Map(log.map((e) => [e.commitId, e.position]));
    report.inStreamOrder = commits.every((c) => !c.previous || (at.get(c.previous) ?? Infinity) < (at.get(c._id) ?? -1));
    report.afterDependencies = commits.every((c) => (c.dependsOn ?? []).every((d) => (at.get(d) ?? Infinity) < (at.get(c._id) ?? -1)));
    report.sequencedAtMonotonic = log.every((e, i) => i === 0 || new Date(e.sequencedAt) >= new Date(log[i - 1].sequencedAt));
    report.parked = await db.collection(EventStoreCollections.deadLetters).countDocuments({ status: 'parked' });
    report.drift = (await verifyViews(db, reader, liveProjections(), await currentViewNames(db))).differences;

    // Counts: each article's submitted replies against the log.
    const views = await db.collection<ArticleView>((await currentViewNames(db)).collection(ViewCollections.articles)).find({}).toArray();
    report.countsMatch = articles.every((id) => {
      const submitted = log.filter((e) => e.events.some((ev) => ev.type === 'reply.submitted' && (ev.data as { articleId: string }).articleId === id)).length;
      return views.find((v) => v._id === id)?.stats.submitted === submitted;
    });
    const erasedReplies = new Set(
      log.flatMap((e) => e.events.filter((ev) => ev.type === 'reply.erased').map((ev) => (ev.data as { replyId: string }).replyId)),
    );
    const theirs = log.flatMap((e) =>
      e.events
        .filter((ev) => ev.type === 'reply.submitted' && erasedCommenters.has((ev.data as { author: { id: string } }).author.id))
        .map((ev) => (ev.data as { replyId: string }).replyId),
    );
    const keysLeft = await db.collection('data_keys').countDocuments({ _id: { $in: [...erasedCommenters] as never[] } });
    report.erasuresComplete = theirs.every((id) => erasedReplies.has(id)) && keysLeft === 0;
    // Screening: every reply's latest text decided (a verdict on it, or a moderator, a
    // retraction or an erasure after it); nothing left checking.
    const replies = new Map<string, { text: number; decided: number }>();
    for (const e of log) {
      e.events.forEach((ev, i) => {
        const id = (ev.data as { replyId?: string }).replyId;
        if (!id || !ev.type.startsWith('reply.')) return;
        const r = replies.get(id) ?? { text: 0, decided: 0 };
        const version = e.version + i;
        if (ev.type === 'reply.submitted' || ev.type === 'reply.edited') r.text = version;
        else if (ev.type === 'reply.screened') r.decided = Math.max(r.decided, (ev.data as { scoredVersion: number }).scoredVersion);
        else r.decided = Math.max(r.decided, version);
        replies.set(id, r);
      });
    }
    report.unscreened = [...replies].filter(([, r]) => r.decided < r.text).map(([id]) => id);
    report.ok =
      report.unscreened.length === 0 &&
      report.erasuresComplete &&
      report.settled &&
      report.dense &&
      report.lost.length === 0 &&
      report.doubled.length === 0 &&
      report.unsequenced.length === 0 &&
      report.drift.length === 0 &&
      report.inStreamOrder &&
      report.afterDependencies &&
      report.sequencedAtMonotonic &&
      report.stalls === 0 &&
      report.rebuild.state === 'done' &&
      report.parked === 0 &&
      report.countsMatch;
    return report;
  } finally {
    await conn.close().catch(() => undefined);
    await Promise.all([api, ...workers].map((p) => p.stop()));
    await Promise.all([redis.stop(), store.stop()]);
    // A failed run keeps its logs and store for a look; a good one leaves nothing behind.
    if (report.ok) rmSync(dataDir, { recursive: true, force: true });
    else say(`chaos: logs and store kept in ${dataDir}`);
  }
}

async function readAll(reader: MongoLogReader): Promise<LogEntry[]> {
  const all: LogEntry[] = [];
  for (;;) {
    const batch = await reader.readAfter(all.length ? all[all.length - 1].position : 0, 1_000);
    if (batch.length === 0) return all;
    all.push(...batch);
  }
}

export function summary(r: ChaosReport): string {
  const faults = Object.entries(r.faults).map(([k, n]) => `${k} ${n}`).join(', ');
  return [
    `seed ${r.seed}, ${Math.round(r.durationMs / 1000)} s of load, store faults injected in ${r.storeFaultRate * 100}% of worker calls`,
    `faults: ${faults}`,
    `requests ${r.requests}; accepted: ${r.accepted.replies} replies, ${r.accepted.edits} edits, ${r.accepted.retractions} retractions, ${r.accepted.erasures} erasures, ${r.accepted.reactions} reactions`,
    `log: ${r.logLength} positions, dense ${r.dense}, stream order ${r.inStreamOrder}, dependencies first ${r.afterDependencies}, sequencedAt monotonic ${r.sequencedAtMonotonic}`,
    `lost ${r.lost.length}, doubled ${r.doubled.length}, unsequenced ${r.unsequenced.length}, drift ${r.drift.length}, counts match ${r.countsMatch}, erasures complete ${r.erasuresComplete}, unscreened ${r.unscreened.length}, parked ${r.parked}, stalls ${r.stalls}`,
    `rebuild of every view during the faults: ${r.rebuild.state ?? 'never started'}`,
    `${r.settled ? 'settled' : 'NOT settled'} ${Math.round(r.settledMs / 100) / 10} s after the load: ${r.ok ? 'OK' : 'FAILED'}`,
  ].join('\n');
}
