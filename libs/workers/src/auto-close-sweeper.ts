import { StreamConflictError } from '@app/event-store';
import { Aggregates, AppConfig, Clock, CLOCK, Periodic } from '@app/platform';
import { ViewReader } from '@app/read-models';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';

/**
 * The timed job that closes articles' replies by themselves (`autoCloseAfterDays`): every
 * AUTO_CLOSE_SWEEP_MS it looks at the open articles that have a closing time and records
 * `article.auto-closed` for those whose time has come. Everything it needs is in the events
 * (publication time and settings), so a lost timer or a restart only delays the record;
 * submissions are refused from the closing time whether it has run or not. Every worker
 * sweeps: a second record of the same closing loses on the stream version and is dropped.
 */
@Injectable()
export class AutoCloseSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('auto-close');
  private readonly periodic = new Periodic(() => this.sweep(), this.logger);

  constructor(
    private readonly views: ViewReader,
    private readonly aggregates: Aggregates,
    private readonly config: AppConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  onApplicationBootstrap(): void {
    this.periodic.start(this.config.AUTO_CLOSE_SWEEP_MS);
  }

  onApplicationShutdown(): Promise<void> {
    return this.periodic.stop();
  }

  /** One pass; returns the articles it closed. */
  async sweep(): Promise<string[]> {
    const now = this.clock();
    const closed: string[] = [];
    const failed: string[] = [];
    for (const { articleId, closesAt } of await this.views.articlesClosingByThemselves()) {
      // The schedule is sorted by closing time: the rest are not due either.
      if (now.getTime() < Date.parse(closesAt)) break;
      try {
        if (await this.close(articleId, now)) closed.push(articleId);
      } catch (error) {
        // One article that cannot be closed (a parked stream, a store blip) must not hold back those after it.
        failed.push(`${articleId}: ${(error as Error).message}`);
      }
    }
    if (failed.length) throw new Error(`closed ${closed.length}, could not close ${failed.length} (next pass tries again): ${failed.slice(0, 3).join('; ')}`);
    return closed;
  }

  /** Records the closing if its time has come; false when it had been recorded already. */
  private async close(articleId: string, now: Date): Promise<boolean> {
    const { article, stream } = await this.aggregates.article(articleId);
    article.autoClose(now);
    const events = article.pullEvents();
    if (events.length === 0) return false;
    try {
      await this.aggregates.store.append(stream, events, { actor: { kind: 'system', id: 'auto-close', name: 'auto-close' }, correlationId: `auto-close-${articleId}`, causationId: null });
      return true;
    } catch (error) {
      if (error instanceof StreamConflictError) return false;
      throw error;
    }
  }
}
