import { checkPolicy, DEFAULT_POLICY, ModerationPolicy } from '@app/moderation';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, Matches, Max, Min, MinLength, ValidateIf, validateSync } from 'class-validator';

/**
 * The worker's idle poll doubles its pause up to this many POLL_INTERVAL_MS (4 s at the
 * default 1 s): a lost wake-up or a Redis outage costs at most that much delay, and an idle
 * worker polls four times less. (A commit past a head hint that trails the log waits for a
 * consumer's whole look: decision 0043.)
 */
export const IDLE_POLL_BACKOFF = 4;

const toBool = ({ value }: { value: unknown }) =>
  value === undefined ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase()) ? true : ['0', 'false', 'no', 'off', ''].includes(String(value).toLowerCase()) ? false : value;
const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : /^-?\d+$/.test(String(value)) ? Number(value) : value);

/** Development default only: the README says to set JWT_SECRET anywhere else. */
export const DEV_JWT_SECRET = 'dev-only-reply-section-secret-change-me';
export const DEV_HASH_KEY = 'dev-only-reply-section-hash-key';
export const DEV_DATA_KEY_SECRET = 'dev-only-reply-section-data-key-secret-0000';

/** The highest rate limit a setting may name. */
export const MAX_RATE_LIMIT = 1_000_000;

/**
 * Every RATE_LIMIT_*_PER_* setting at its highest: for the tests, the bench and the chaos run,
 * which send bursts from one address and must not meet a limit by accident (the limits stay on).
 */
export const UNREACHABLE_RATE_LIMITS: Record<string, string> = Object.fromEntries(
  ['SUBMIT', 'FLAG', 'REACT'].flatMap((action) => ['COMMENTER', 'NETWORK'].map((scope) => [`RATE_LIMIT_${action}_PER_${scope}`, String(MAX_RATE_LIMIT)])),
);

/** What limits one rate-limited action: per commenter and per network, in one window. */
export interface RateLimit {
  commenter: number;
  network: number;
  windowMs: number;
}

export type RateLimitedAction = 'submit' | 'flag' | 'react';

/** Akismet as screening asks it (docs/decisions/0029), when a key is set. */
export interface AkismetSettings {
  key: string;
  /** The site's front page, Akismet's `blog`. */
  site: string;
  /** Where the API answers: Akismet's own unless a test points it at a fake. */
  url: string;
  /** Spam jobs started per second across every worker (BullMQ's limiter on the spam queue). */
  ratePerSecond: number;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** One origin: http(s), a host name or address (IPv6 in brackets), an optional port; nothing more. */
const ORIGIN = String.raw`https?://(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?`;
export const EMBED_ORIGINS_PATTERN = new RegExp(`^(?:\\s*${ORIGIN}\\s*(?:,\\s*${ORIGIN}\\s*)*)?$`);

export const AKISMET_DEFAULT_URL = 'https://rest.akismet.com';

/** Everything the processes read from the environment, validated at start. */
export class AppConfig {
  @Matches(/^mongodb(\+srv)?:\/\/[^/]+\/[A-Za-z0-9_-]+/, { message: 'MONGO_URL must be a mongodb:// URL naming a database, e.g. mongodb://127.0.0.1:27017/reply_section' })
  MONGO_URL = 'mongodb://127.0.0.1:27017/reply_section';

  @Matches(/^rediss?:\/\/.+/, { message: 'REDIS_URL must be a redis:// URL, e.g. redis://127.0.0.1:6379' })
  REDIS_URL = 'redis://127.0.0.1:6379';

  @Transform(toInt) @IsInt({ message: 'PORT must be an integer' }) @Min(0) @Max(65535)
  PORT = 3000;

  @IsString() @MinLength(16, { message: 'JWT_SECRET must be at least 16 characters' })
  JWT_SECRET = DEV_JWT_SECRET;

  @IsOptional() @IsString()
  JWT_ISSUER: string | undefined = undefined;

  @IsOptional() @IsString()
  JWT_AUDIENCE: string | undefined = undefined;

  /** Key for the hashes of emails and network addresses, and for guests' edit tokens. */
  @IsString() @MinLength(16, { message: 'HASH_KEY must be at least 16 characters' })
  HASH_KEY = DEV_HASH_KEY;

  /** Master secret wrapping each commenter's data key in the `data_keys` collection: 32 random characters or more. */
  @IsString() @MinLength(32, { message: 'DATA_KEY_SECRET must be at least 32 characters (random: it is not stretched like a password)' })
  DATA_KEY_SECRET = DEV_DATA_KEY_SECRET;

  /** Encrypt commenters' personal fields in events. Off only to measure its cost; refused in production. */
  @Transform(toBool) @IsBoolean({ message: 'PERSONAL_DATA_ENCRYPTION must be true or false' })
  PERSONAL_DATA_ENCRYPTION = true;

  /** Express `trust proxy`: false, true, a hop count, or a list of addresses/subnets. */
  @IsString() @Matches(/^(false|true|\d+|[0-9a-fA-F.:/, ]+|loopback|linklocal|uniquelocal)$/, { message: 'TRUST_PROXY must be false, true, a hop count or a list of addresses' })
  TRUST_PROXY = 'false';

  /** Redis key prefix for queues and leases; lets several deployments share one Redis. */
  @Matches(/^[A-Za-z0-9_-]+$/, { message: 'QUEUE_PREFIX may hold letters, digits, _ and - only' })
  QUEUE_PREFIX = 'reply-section';

  /**
   * How long a submission's client address and user agent, and their keyed hashes, stay in
   * Redis before they expire (hours; at most 30 days). Events and views never hold them.
   */
  @Transform(toInt)
  @IsInt({ message: 'NETWORK_DATA_RETENTION_HOURS must be a whole number of hours' })
  @Min(1, { message: 'NETWORK_DATA_RETENTION_HOURS must be at least 1 (hour)' })
  @Max(720, { message: 'NETWORK_DATA_RETENTION_HOURS must be at most 720 (30 days)' })
  NETWORK_DATA_RETENTION_HOURS = 48;

  /**
   * Rate limits on submitting, flagging and reacting (docs/decisions/0020): how many a
   * commenter, and how many one network (a keyed hash of the client address), may send per
   * window. Counted in Redis across every API replica, per process while Redis is down.
   */
  @Transform(toInt)
  @IsInt({ message: 'RATE_LIMIT_WINDOW_SECONDS must be a whole number of seconds' })
  @Min(1, { message: 'RATE_LIMIT_WINDOW_SECONDS must be at least 1' })
  @Max(86_400, { message: 'RATE_LIMIT_WINDOW_SECONDS must be at most 86400 (a day)' })
  RATE_LIMIT_WINDOW_SECONDS = 60;

  @Transform(toInt) @IsInt({ message: 'RATE_LIMIT_SUBMIT_PER_COMMENTER must be an integer' }) @Min(1) @Max(MAX_RATE_LIMIT)
  RATE_LIMIT_SUBMIT_PER_COMMENTER = 10;

  @Transform(toInt) @IsInt({ message: 'RATE_LIMIT_SUBMIT_PER_NETWORK must be an integer' }) @Min(1) @Max(MAX_RATE_LIMIT)
  RATE_LIMIT_SUBMIT_PER_NETWORK = 30;

  @Transform(toInt) @IsInt({ message: 'RATE_LIMIT_FLAG_PER_COMMENTER must be an integer' }) @Min(1) @Max(MAX_RATE_LIMIT)
  RATE_LIMIT_FLAG_PER_COMMENTER = 30;

  @Transform(toInt) @IsInt({ message: 'RATE_LIMIT_FLAG_PER_NETWORK must be an integer' }) @Min(1) @Max(MAX_RATE_LIMIT)
  RATE_LIMIT_FLAG_PER_NETWORK = 60;

  /** For reactions, which are still to come: their endpoint applies @RateLimited('react'). */
  @Transform(toInt) @IsInt({ message: 'RATE_LIMIT_REACT_PER_COMMENTER must be an integer' }) @Min(1) @Max(MAX_RATE_LIMIT)
  RATE_LIMIT_REACT_PER_COMMENTER = 60;

  @Transform(toInt) @IsInt({ message: 'RATE_LIMIT_REACT_PER_NETWORK must be an integer' }) @Min(1) @Max(MAX_RATE_LIMIT)
  RATE_LIMIT_REACT_PER_NETWORK = 120;

  /** How often the worker polls the inbox and the log when no wake-up came. */
  @Transform(toInt) @IsInt({ message: 'POLL_INTERVAL_MS must be an integer' }) @Min(50)
  POLL_INTERVAL_MS = 1000;

  /** How often a worker looks for articles whose replies close by themselves now. */
  @Transform(toInt) @IsInt({ message: 'AUTO_CLOSE_SWEEP_MS must be an integer' }) @Min(100)
  AUTO_CLOSE_SWEEP_MS = 60_000;

  /**
   * How often the store driver checks the store by itself. A call that finds the store gone
   * asks for a check at once, so this bounds only how soon a frozen store (paused, its
   * connections open) is noticed, and what an idle process spends checking (decision 0044).
   */
  @Transform(toInt) @IsInt({ message: 'STORE_HEARTBEAT_MS must be a whole number of milliseconds' }) @Min(500) @Max(60_000)
  STORE_HEARTBEAT_MS = 5_000;

  /**
   * How often each process reads the alias documents again by itself. A rebuild's flip reaches
   * every process at once through a Redis notice; this bounds how long a process whose notice
   * was lost reads the replaced views, so retired views are never dropped sooner than twice it.
   */
  @Transform(toInt) @IsInt({ message: 'VIEW_ALIAS_POLL_MS must be a whole number of milliseconds' }) @Min(100) @Max(600_000)
  VIEW_ALIAS_POLL_MS = 10_000;

  /**
   * The window over which the API and the worker look at their event loop's use: the first
   * quiet window after a busy one runs one full collection, so a flood's heap is given back
   * (decision 0045). 0: off; otherwise at least a second, since shorter windows find an idle
   * loop busy now and then and would collect again and again.
   */
  @Transform(toInt)
  @ValidateIf((c: AppConfig) => c.MEMORY_RELEASE_CHECK_MS !== 0)
  @IsInt({ message: 'MEMORY_RELEASE_CHECK_MS must be a whole number of milliseconds (0: off)' })
  @Min(1000, { message: 'MEMORY_RELEASE_CHECK_MS must be 0 (off) or at least 1000 ms' })
  @Max(3_600_000)
  MEMORY_RELEASE_CHECK_MS = 10_000;

  /**
   * After a rebuild is flipped live, the views it replaced are kept this long, then dropped if
   * `verify` finds the new ones clean (an admin may drop them sooner). Default: a day.
   */
  @Transform(toInt) @IsInt({ message: 'RETIRED_VIEWS_DROP_AFTER_MS must be a whole number of milliseconds' }) @Min(0)
  RETIRED_VIEWS_DROP_AFTER_MS = 86_400_000;

  /** Log entries a rebuild applies per batch (one checkpoint save each): larger is faster, smaller resumes closer. */
  @Transform(toInt) @IsInt({ message: 'REBUILD_BATCH_SIZE must be a whole number' }) @Min(1) @Max(5_000)
  REBUILD_BATCH_SIZE = 2_000;

  /**
   * How long an inbox marker waits for its commit (a writer between its two inserts), from
   * when the sequencer first sees it, before the sequencer fills that stream version as
   * abandoned; the late writer then gets a conflict. At least a second: shorter races every
   * append in flight.
   */
  @Transform(toInt) @IsInt({ message: 'MARKER_GRACE_MS must be a whole number of milliseconds' }) @Min(1_000)
  MARKER_GRACE_MS = 30_000;

  /**
   * How long the sequencer's and each projector's lease lasts without renewal. A worker
   * that dies hands its work over after this; a new holder waits it out once more (plus
   * STORE_TIMEOUT_MS) when the previous one did not release.
   */
  @Transform(toInt) @IsInt({ message: 'LEASE_TTL_MS must be an integer' }) @Min(500)
  LEASE_TTL_MS = 10_000;

  /** A lease holder starts no write later than this before its lease runs out. */
  @Transform(toInt) @IsInt({ message: 'LEASE_MARGIN_MS must be an integer' }) @Min(100)
  LEASE_MARGIN_MS = 3_000;

  /** A lease holder gives up on a store call after this; must be below LEASE_MARGIN_MS. */
  @Transform(toInt) @IsInt({ message: 'STORE_TIMEOUT_MS must be an integer' }) @Min(50)
  STORE_TIMEOUT_MS = 2_000;

  /**
   * For `npm run chaos` only: the share of a worker's store calls that fail on purpose (from
   * CHAOS_FAULT_SEED, so a run can be replayed). Refused in production.
   */
  @Transform(({ value }) => (value === undefined || value === '' ? undefined : Number(value)))
  @IsNumber({}, { message: 'CHAOS_FAULT_RATE must be a number' }) @Min(0) @Max(0.2)
  CHAOS_FAULT_RATE = 0;

  @Transform(toInt) @IsInt({ message: 'CHAOS_FAULT_SEED must be an integer' })
  CHAOS_FAULT_SEED = 1;

  /** Create the fixture article on start (once, however often the system starts). */
  @Transform(toBool) @IsBoolean({ message: 'SEED_ARTICLE must be true or false' })
  SEED_ARTICLE = true;

  /**
   * The API keeps the thread documents it read lately, current by the view writers' notices on
   * Redis; this bounds how long one could be served if a notice were lost (0: no cache).
   */
  @Transform(toInt) @IsInt({ message: 'VIEW_CACHE_TTL_MS must be a whole number of milliseconds (0: off)' }) @Min(0) @Max(3_600_000)
  VIEW_CACHE_TTL_MS = 5_000;

  /** How many thread documents (buckets of 100 replies, metas, top lists) the API keeps at most. */
  @Transform(toInt) @IsInt({ message: 'VIEW_CACHE_DOCUMENTS must be a whole number' }) @Min(1) @Max(1_000_000)
  VIEW_CACHE_DOCUMENTS = 2_000;

  /**
   * The moderator console's development sign-in (POST /dev/sign-in mints a token for any role):
   * only when set to true explicitly, with the development JWT_SECRET, and never in production.
   */
  @Transform(toBool) @IsBoolean({ message: 'DEV_SIGN_IN must be true or false' })
  DEV_SIGN_IN = false;

  /** Run the worker's jobs inside the API process too (the local default). */
  @Transform(toBool) @IsBoolean({ message: 'RUN_WORKER must be true or false' })
  RUN_WORKER = false;

  /**
   * The moderation policy in force until the policy stream exists: a JSON policy document
   * (libs/moderation `checkPolicy`); unset means the built-in defaults.
   */
  @IsString()
  MODERATION_POLICY = '';

  /** A reply version waiting longer than this for its verdict is queued for screening again. */
  @Transform(toInt) @IsInt({ message: 'SCREENING_RETRY_AFTER_MS must be an integer' }) @Min(1_000)
  SCREENING_RETRY_AFTER_MS = 60_000;

  /** A batch, an undo or a suspension end still not done this long after it was due is queued again. */
  @Transform(toInt) @IsInt({ message: 'MODERATION_RETRY_AFTER_MS must be an integer' }) @Min(1_000)
  MODERATION_RETRY_AFTER_MS = 60_000;

  /**
   * Akismet, an outside spam checker (docs/decisions/0029): off unless a key is set. When on,
   * each new reply's text, name, client address and user agent are sent to AKISMET_URL.
   */
  @Matches(/^[A-Za-z0-9]*$/, { message: 'AKISMET_KEY holds letters and digits only (empty: Akismet is off)' })
  AKISMET_KEY = '';

  /** The site's front page as registered with Akismet; needed with AKISMET_KEY. */
  @Matches(/^(https?:\/\/[^\s]+)?$/, { message: 'AKISMET_SITE must be an http(s) URL, e.g. https://news.example.com/' })
  AKISMET_SITE = '';

  /** Where Akismet answers; the tests point it at a fake server of their own. */
  @Matches(/^https?:\/\/[^\s]+$/, { message: 'AKISMET_URL must be an http(s) URL, e.g. https://rest.akismet.com' })
  AKISMET_URL = AKISMET_DEFAULT_URL;

  /**
   * With Akismet on, spam jobs start at most this often per second across every worker, so
   * a flood of replies does not overrun Akismet's limits. Without it, no limit.
   */
  @Transform(toInt) @IsInt({ message: 'AKISMET_RATE_PER_SECOND must be a whole number' }) @Min(1) @Max(10_000)
  AKISMET_RATE_PER_SECOND = 10;

  /**
   * The bearer token a Prometheus scraper sends to read /metrics (docs/decisions/0035). Unset:
   * /metrics answers only direct requests from loopback (not through a proxy). Empty, not
   * optional: loadConfig reads only the settings a fresh AppConfig has as own keys.
   */
  @Matches(/^([A-Za-z0-9._~+/=-]{16,256})?$/, { message: 'METRICS_TOKEN must be 16 to 256 characters of letters, digits and ._~+/=- (no spaces), or empty' })
  METRICS_TOKEN = '';

  /** A separate worker process serves its own /metrics on this port (same access rule); 0: off. */
  @Transform(toInt) @IsInt({ message: 'WORKER_METRICS_PORT must be a port number (0: off)' }) @Min(0) @Max(65535)
  WORKER_METRICS_PORT = 0;

  /**
   * The sites allowed to embed the reply section (docs/decisions/0036): origins such as
   * `https://news.example.com`, comma-separated. They get CORS answers and a cross-origin
   * resource policy on the readers' API and /embed.js; empty, the default, means our own
   * origin only. Never `*`.
   */
  @Matches(EMBED_ORIGINS_PATTERN, { message: 'EMBED_ORIGINS must be comma-separated origins like https://news.example.com (scheme, host and optional port; no path, no *), or empty' })
  EMBED_ORIGINS = '';

  /** pino's level for the JSON logs; `silent` turns them off (the tests do, unless they read them). */
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL: LogLevel = 'info';

  /** The worker touches this file after every poll round: a container health check reads its age. */
  @IsOptional() @IsString()
  WORKER_HEARTBEAT_FILE: string | undefined = undefined;

  get moderationPolicy(): ModerationPolicy {
    return this.MODERATION_POLICY ? checkPolicy(JSON.parse(this.MODERATION_POLICY)) : DEFAULT_POLICY;
  }

  get akismet(): AkismetSettings | null {
    return this.AKISMET_KEY ? { key: this.AKISMET_KEY, site: this.AKISMET_SITE, url: this.AKISMET_URL, ratePerSecond: this.AKISMET_RATE_PER_SECOND } : null;
  }

  /**
   * After a flip, how long any process may still read or write the replaced views: a lease and
   * a store timeout (a projector writing there stops), two alias polls (a process whose notice
   * was lost) and the worker's longest idle pause (a live projector switches at its next poll).
   * Every process must share these settings.
   */
  get retiredViewsGraceMs(): number {
    return this.LEASE_TTL_MS + this.STORE_TIMEOUT_MS + 2 * this.VIEW_ALIAS_POLL_MS + IDLE_POLL_BACKOFF * this.POLL_INTERVAL_MS;
  }

  get leaseTiming(): { ttlMs: number; marginMs: number; storeTimeoutMs: number } {
    return { ttlMs: this.LEASE_TTL_MS, marginMs: this.LEASE_MARGIN_MS, storeTimeoutMs: this.STORE_TIMEOUT_MS };
  }

  rateLimit(action: RateLimitedAction): RateLimit {
    const windowMs = this.RATE_LIMIT_WINDOW_SECONDS * 1000;
    if (action === 'submit') return { commenter: this.RATE_LIMIT_SUBMIT_PER_COMMENTER, network: this.RATE_LIMIT_SUBMIT_PER_NETWORK, windowMs };
    if (action === 'flag') return { commenter: this.RATE_LIMIT_FLAG_PER_COMMENTER, network: this.RATE_LIMIT_FLAG_PER_NETWORK, windowMs };
    return { commenter: this.RATE_LIMIT_REACT_PER_COMMENTER, network: this.RATE_LIMIT_REACT_PER_NETWORK, windowMs };
  }

  /** EMBED_ORIGINS as a list, each lower-cased as browsers send Origin. */
  get embedOrigins(): string[] {
    return this.EMBED_ORIGINS.split(',').map((o) => o.trim().toLowerCase()).filter((o) => o.length > 0);
  }

  get trustProxy(): boolean | number | string {
    if (this.TRUST_PROXY === 'true') return true;
    if (this.TRUST_PROXY === 'false') return false;
    if (/^\d+$/.test(this.TRUST_PROXY)) return Number(this.TRUST_PROXY);
    return this.TRUST_PROXY;
  }
}

export class ConfigError extends Error {}

/** Builds the config from `env`; a bad value throws naming the variable. Unset means default. */
export function loadConfig(env: Record<string, string | undefined> = process.env): AppConfig {
  const known = Object.keys(new AppConfig());
  const given = Object.fromEntries(known.filter((k) => env[k] !== undefined).map((k) => [k, env[k]]));
  const config = plainToInstance(AppConfig, given);
  const errors = validateSync(config, { forbidUnknownValues: false });
  const lines = errors.flatMap((e) => Object.values(e.constraints ?? { invalid: `${e.property} is invalid` }));
  // Development defaults are public: a production process must bring its own.
  if (env.NODE_ENV === 'production') {
    if (config.JWT_SECRET === DEV_JWT_SECRET) lines.push('JWT_SECRET must be set in production (the default is for development only)');
    if (config.CHAOS_FAULT_RATE > 0) lines.push('CHAOS_FAULT_RATE is for the chaos run only, never in production');
    if (config.HASH_KEY === DEV_HASH_KEY) lines.push('HASH_KEY must be set in production (the default is for development only)');
    if (config.DATA_KEY_SECRET === DEV_DATA_KEY_SECRET) lines.push('DATA_KEY_SECRET must be set in production (the default is for development only)');
    if (config.DEV_SIGN_IN) lines.push('DEV_SIGN_IN=true mints tokens for anyone who asks: for development only, never in production');
    if (!config.PERSONAL_DATA_ENCRYPTION) lines.push('PERSONAL_DATA_ENCRYPTION=false is for measuring only, never in production');
  }
  try {
    void config.moderationPolicy;
  } catch (error) {
    lines.push(`MODERATION_POLICY is not a valid policy: ${(error as Error).message}`);
  }
  // Its tokens would be signed with the key every other service of the site trusts.
  if (config.DEV_SIGN_IN && config.JWT_SECRET !== DEV_JWT_SECRET) lines.push('DEV_SIGN_IN=true needs the development JWT_SECRET: with a real one it would mint tokens that other services trust');
  if (config.AKISMET_KEY && !config.AKISMET_SITE) lines.push('AKISMET_SITE must be set with AKISMET_KEY: Akismet needs the front page of the site it screens for');
  if (!(config.STORE_TIMEOUT_MS < config.LEASE_MARGIN_MS && config.LEASE_MARGIN_MS < config.LEASE_TTL_MS)) {
    lines.push('STORE_TIMEOUT_MS < LEASE_MARGIN_MS < LEASE_TTL_MS must hold, so a write started in time ends before the lease');
  }
  if (lines.length > 0) throw new ConfigError(`Invalid configuration:\n  ${lines.join('\n  ')}`);
  return config;
}
