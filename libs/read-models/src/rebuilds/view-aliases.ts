import type Redis from 'ioredis';
import type { mongo } from 'mongoose';
import { Projection } from '../projections/projection';
import { ViewNames } from '../view-names';
import { subscriberConnection } from '../redis-subscriber';

/** Which generation of a projector's views readers read: written only by the rebuild that flips it. */
export interface ViewAliasDocument {
  /** `name@version`: a projector version's alias; a new code version starts with none. */
  _id: string;
  generation: string;
  rebuildId: string;
  /** The generation readers read before this flip: kept until dropped. */
  previous: string;
  flippedAt: Date;
}

export const VIEW_ALIASES = 'view_aliases';

/** How soon a read that failed is tried again. */
const RETRY_MS = 1_000;

export const aliasId = (projection: Pick<Projection, 'name' | 'version'>) => `${projection.name}@${projection.version}`;

/** The Redis channel a deployment's rebuilds announce their flips on (one per QUEUE_PREFIX). */
export const aliasFlipsChannel = (prefix: string) => `${prefix}:alias-flips`;

/**
 * What a rebuild calls after flipping an alias: one PUBLISH, fire and forget. A lost notice
 * costs at most one poll interval of the replaced views (ViewAliases' poll).
 */
export function aliasFlipAnnouncer(redis: Pick<Redis, 'publish'>, prefix: string): (alias: string) => void {
  const channel = aliasFlipsChannel(prefix);
  return (alias) => void redis.publish(channel, alias).catch(() => undefined);
}

/**
 * Keeps a ViewNames following the alias documents: read once before the process serves, then
 * at each flip notice on Redis and every `pollMs` in case one was lost (a scan of one small
 * document per projection). While the store is away the last generations read stay.
 */
export class ViewAliases {
  private timer: NodeJS.Timeout | null = null;
  private notices: Redis | null = null;
  private refreshing: Promise<void> | null = null;
  private refreshAgain = false;
  private stopped = false;
  /** Reads done since start (the first is the subscription's): for tests. */
  reads = 0;

  constructor(
    private readonly db: mongo.Db,
    private readonly projections: readonly Projection[],
    private readonly names: ViewNames,
  ) {}

  /** The live generation of each projection, straight from the store. */
  async read(): Promise<Map<string, ViewAliasDocument>> {
    const docs = await this.db.collection<ViewAliasDocument>(VIEW_ALIASES).find({}).toArray();
    const byId = new Map(docs.map((d) => [d._id, d]));
    const live = new Map<string, ViewAliasDocument>();
    for (const p of this.projections) {
      const alias = byId.get(aliasId(p));
      if (alias) live.set(p.name, alias);
    }
    return live;
  }

  async refresh(): Promise<void> {
    const live = await this.read();
    this.names.follow(new Map([...live].map(([name, alias]) => [name, alias.generation])));
  }

  /**
   * Reads the aliases again, for a notice or the poll: one read at a time, so an older read
   * never lands after a newer one; one more after it if asked meanwhile; and again every
   * second while the store fails, so a notice is not used up by an outage.
   */
  private refreshSoon(): Promise<void> {
    if (this.refreshing) {
      this.refreshAgain = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.refreshAgain = false;
        try {
          await this.refresh();
          this.reads++;
        } catch {
          this.refreshAgain = true;
          await new Promise((r) => setTimeout(r, RETRY_MS).unref());
        }
      } while (this.refreshAgain && !this.stopped);
    })().finally(() => (this.refreshing = null));
    return this.refreshing;
  }

  /** Polls every `pollMs`; with `notices`, also refreshes at each flip announced on that Redis. */
  start(pollMs: number, notices?: { url: string; prefix: string }): void {
    this.stopped = false;
    const tick = async () => {
      await this.refreshSoon();
      if (this.timer) this.timer = setTimeout(tick, pollMs).unref();
    };
    this.timer = setTimeout(tick, pollMs).unref();
    if (notices) this.listen(notices.url, notices.prefix);
  }

  /** Its own connection (a subscriber can do nothing else); each (re)subscription refreshes, since notices may have been missed. */
  private listen(url: string, prefix: string): void {
    const redis = subscriberConnection(url, `${prefix}:alias-flips`);
    this.notices = redis;
    const channel = aliasFlipsChannel(prefix);
    redis.on('error', () => undefined); // the poll covers for it
    redis.on('ready', () => {
      redis.subscribe(channel).then(
        () => void this.refreshSoon(),
        () => undefined,
      );
    });
    redis.on('message', (ch: string) => {
      if (ch === channel) void this.refreshSoon();
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.notices?.disconnect();
    this.notices = null;
    await this.refreshing;
  }
}
