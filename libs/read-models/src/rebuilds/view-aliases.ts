import type { mongo } from 'mongoose';
import { Projection } from '../projections/projection';
import { ViewNames } from '../view-names';

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

/** How stale a process's idea of the live generations may be: a flip reaches readers within it. */
export const ALIAS_REFRESH_MS = 1_000;

export const aliasId = (projection: Pick<Projection, 'name' | 'version'>) => `${projection.name}@${projection.version}`;

/**
 * Keeps a ViewNames following the alias documents: read once before the process serves, then
 * every ALIAS_REFRESH_MS (a scan of one small document per projection). While the store is
 * away the last generations read stay.
 */
export class ViewAliases {
  private timer: NodeJS.Timeout | null = null;

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

  start(): void {
    const tick = async () => {
      await this.refresh().catch(() => undefined);
      if (this.timer) this.timer = setTimeout(tick, ALIAS_REFRESH_MS).unref();
    };
    this.timer = setTimeout(tick, ALIAS_REFRESH_MS).unref();
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
