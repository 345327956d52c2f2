import { DEFAULT_POLICY, POLICY_LIMITS } from '@app/moderation';
import { AppConfig, Clock, CLOCK, configureHttp, dropRedisPrefix, loadConfig, LOG_DESTINATION, mintToken, MONGO_DB, UNREACHABLE_RATE_LIMITS } from '@app/platform';
import { INestApplication } from '@nestjs/common';
import { Logger } from 'nestjs-pino';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import type { mongo } from 'mongoose';
import request from 'supertest';
import { AppModule } from '../../apps/api/src/app.module';
import { LogWorkerService } from '@app/workers';

export const TEST_MONGO_URL = process.env.TEST_MONGO_URL ?? 'mongodb://127.0.0.1:27027';
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface System {
  app: INestApplication;
  http: ReturnType<typeof request>;
  db: mongo.Db;
  config: AppConfig;
  worker: LogWorkerService | null;
  stop(): Promise<void>;
}

/** The default policy with velocity, repetition and link limits as high as a policy may set them. */
export const RELAXED_POLICY = JSON.stringify({
  ...DEFAULT_POLICY,
  links: { max: POLICY_LIMITS.links },
  velocity: { perCommenterPerMinute: POLICY_LIMITS.perMinute, perNetworkPerMinute: POLICY_LIMITS.perMinute },
  repetition: { maxSameText: POLICY_LIMITS.sameText },
});

export const uniqueName = (prefix: string) => `${prefix}_${randomBytes(5).toString('hex')}`;

/** The real API (and worker, unless told not to) on the real store and Redis, in this process. */
export async function startSystem(opts: { env?: Record<string, string>; database?: string; worker?: boolean; logs?: string[]; clock?: Clock } = {}): Promise<System> {
  const database = opts.database ?? uniqueName('e2e');
  const config = loadConfig({
    MONGO_URL: `${TEST_MONGO_URL}/${database}`,
    REDIS_URL: TEST_REDIS_URL,
    QUEUE_PREFIX: uniqueName('e2e'),
    POLL_INTERVAL_MS: '100',
    MARKER_GRACE_MS: '10000',
    SEED_ARTICLE: 'true',
    RUN_WORKER: String(opts.worker ?? true),
    // Tests send bursts from one address and a few readers: screening still runs, without
    // velocity and repetition limits (test/moderation.e2e-spec.ts uses the real defaults).
    MODERATION_POLICY: RELAXED_POLICY,
    // The same: every request comes from 127.0.0.1 and a few readers (test/rate-limits.e2e-spec.ts
    // sets its own low limits).
    ...UNREACHABLE_RATE_LIMITS,
    // The JSON request log only where a test reads it (or TEST_LOG asks for it).
    LOG_LEVEL: opts.logs || process.env.TEST_LOG ? 'info' : 'silent',
    // Several systems share this jest process and its one event loop: none collects its heap
    // (the release is the process's, decision 0045; its spec drives it).
    MEMORY_RELEASE_CHECK_MS: '0',
    ...opts.env,
  });
  let builder = Test.createTestingModule({ imports: [AppModule.for(config)] })
    .overrideProvider(AppConfig)
    .useValue(config);
  if (opts.clock) builder = builder.overrideProvider(CLOCK).useValue(opts.clock);
  if (opts.logs) builder = builder.overrideProvider(LOG_DESTINATION).useValue(capturingDestination(opts.logs));
  const moduleRef = await builder.compile();
  // With `logs`, Nest's logger is handed to pino as the processes do, so the test reads what they write.
  const app = moduleRef.createNestApplication(
    opts.logs ? { bodyParser: false, bufferLogs: true } : { bodyParser: false, logger: process.env.TEST_LOG ? ['error', 'warn', 'log'] : ['error'] },
  );
  if (opts.logs) app.useLogger(app.get(Logger));
  configureHttp(app, config);
  await app.init();
  return {
    app,
    http: request(app.getHttpServer()),
    db: app.get(MONGO_DB),
    config,
    worker: config.RUN_WORKER ? app.get(LogWorkerService) : null,
    stop: async () => {
      await app.close();
      // Leaves the shared Redis as it found it: this run's queues and leases go.
      await dropRedisPrefix(config.REDIS_URL, config.QUEUE_PREFIX);
    },
  };
}

/** Every JSON log line of every level, kept for the test to read (what a log shipper would get). */
function capturingDestination(lines: string[]): { write(line: string): void } {
  return { write: (line) => void lines.push(line.trimEnd()) };
}


export function tokenFor(config: AppConfig, role: 'reader' | 'moderator' | 'admin', sub = `${role}-1`, name = sub): string {
  return mintToken(config, { sub, name, role }, '1h');
}

/** Retries `check` until it stops throwing; views are built asynchronously. */
export async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await check();
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export const SEED_ARTICLE_ID = 'showdown-in-los-angeles-mayors-attempt-to-halt-ice-raid-backfires';

/**
 * Waits for the verdict on a reply's latest text, reading GET /replies/:id as a moderator
 * until it is no longer `checking` and its verdict scored its latest submitted or edited
 * version; returns that detail (its `version` is what an If-Match needs now). After an edit,
 * pass the version the edit answered (its ETag): the view may not show the edit yet.
 */
export async function verdictOn(sys: System, replyId: string, textVersion = 1, timeoutMs = 20_000): Promise<ReplyDetailForStaff> {
  const moderator = `Bearer ${tokenFor(sys.config, 'moderator', 'verdict-watcher')}`;
  return eventually(async () => {
    const d: ReplyDetailForStaff = (await sys.http.get(`/replies/${replyId}`).set('Authorization', moderator).expect(200)).body;
    const texts = (d.history ?? []).filter((h) => h.type === 'reply.submitted' || h.type === 'reply.edited');
    const latest = texts[texts.length - 1]?.version;
    if (d.status === 'checking' || latest === undefined || latest < textVersion || d.verdict?.scoredVersion !== latest) {
      throw new Error(`reply ${replyId} still waits for its verdict: ${d.status}, version ${d.version}, verdict on ${d.verdict?.scoredVersion ?? 'none'}, latest text ${latest ?? 'unknown'}`);
    }
    return d;
  }, timeoutMs);
}

export interface ReplyDetailForStaff {
  id: string;
  status: string;
  body: string;
  version: number;
  verdict: { decision: string; scoredVersion: number } | null;
  history: { version: number; type: string }[];
  [field: string]: unknown;
}
