import { SpamModel } from '@app/moderation';
import { MONGO_DB } from '@app/platform';
import { SPAM_TOTALS_ID, SpamTokenCounts, SpamTotals, ViewCollections, ViewNames } from '@app/read-models';
import { Inject, Injectable, Logger } from '@nestjs/common';
import type { mongo } from 'mongoose';

/** How long a worker scores with the model it read before it looks for a newer one (one lookup). */
export const SPAM_MODEL_REFRESH_MS = 5_000;

/**
 * The learned spam model, held in memory by each spam worker: a per-word store lookup would
 * cost a round trip per word. Its version is the log position of its last change (the totals
 * document's), so a verdict names exactly the counts it used; the worker reads the counts
 * again only when that moved, at most every SPAM_MODEL_REFRESH_MS. While the store is away
 * the last model read stays.
 */
@Injectable()
export class SpamModelInMemory {
  private readonly logger = new Logger('spam-model');
  private model: SpamModel | null = null;
  private readAt = -Infinity;
  private reading: Promise<SpamModel | null> | null = null;

  constructor(
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    private readonly names: ViewNames,
  ) {}

  current(): Promise<SpamModel | null> {
    if (performance.now() - this.readAt < SPAM_MODEL_REFRESH_MS) return Promise.resolve(this.model);
    this.reading ??= this.refresh().finally(() => (this.reading = null));
    return this.reading;
  }

  private async refresh(): Promise<SpamModel | null> {
    try {
      const totals = await this.db.collection<SpamTotals>(this.names.collection(ViewCollections.spamTotals)).findOne({ _id: SPAM_TOTALS_ID });
      this.readAt = performance.now();
      if (!totals) return (this.model = null);
      if (this.model?.version === totals.position) return this.model;
      // Every token the model knows, read once per change of the model (a scan: see docs/benchmarks.md).
      const docs = await this.db.collection<SpamTokenCounts>(this.names.collection(ViewCollections.spamTokens)).find({}).toArray();
      const counts = await this.db.collection<SpamTotals>(this.names.collection(ViewCollections.spamTotals)).findOne({ _id: SPAM_TOTALS_ID });
      // Changed while read: the counts would mix two versions; the next look reads them again.
      if (!counts || counts.position !== totals.position || docs.some((d) => d.position > counts.position)) {
        this.readAt = -Infinity;
        return this.model;
      }
      this.model = new SpamModel({ spam: counts.spam, ham: counts.ham, tokens: new Map(docs.map((d) => [d._id, { spam: d.spam, ham: d.ham }])) }, counts.position);
      return this.model;
    } catch (error) {
      this.logger.warn(`spam model not refreshed, version ${this.model?.version ?? 'none'} stays: ${(error as Error).message}`);
      return this.model;
    }
  }
}
