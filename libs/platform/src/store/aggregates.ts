import { AggregateRoot, Article, ArticleEvent, BatchEvent, Commenter, CommenterEvent, DomainEvent, ModerationBatch, Reply, ReplyEvent, SNAPSHOT_SCHEMA } from '@app/domain';
import { EVENT_STORE, EventStore, LoadedStream, SNAPSHOTS, SnapshotStore } from '@app/event-store';
import { Inject, Injectable, Logger } from '@nestjs/common';

/** Events read past the snapshot before a new one is taken. */
export const SNAPSHOT_EVERY = 20;
/** Articles and commenters whose last loaded state this process keeps. */
const KEPT_STREAMS = 20_000;

/** A stream's state as this process last loaded it: checked against the store at every load. */
interface Kept {
  version: number;
  head: string | null;
  state: unknown;
  /** The version of the stored snapshot this process last read or wrote (0: none). */
  snapshotAt: number;
}

/** Loads aggregates from their streams, starting from a snapshot when one exists. */
@Injectable()
export class Aggregates {
  private readonly logger = new Logger('snapshots');
  /**
   * The last loaded state of articles and commenters, by stream. A load starts from it and
   * still asks the store for the next commit (one `_id` lookup, instead of the snapshot's and
   * the stream's), so it is never stale: the same rule as loading from a snapshot. Replies are
   * not kept, for the same reason they have no snapshots (their text, past an erasure).
   */
  private readonly kept = new Map<string, Kept>();

  constructor(
    @Inject(EVENT_STORE) readonly store: EventStore,
    @Inject(SNAPSHOTS) private readonly snapshots: SnapshotStore,
  ) {}

  async article(articleId: string): Promise<{ article: Article; stream: LoadedStream<ArticleEvent> }> {
    const { aggregate, stream } = await this.load<ArticleEvent, Article>(Article.streamId(articleId), () => new Article());
    return { article: aggregate.assertExists(articleId), stream };
  }

  async reply(replyId: string): Promise<{ reply: Reply; stream: LoadedStream<ReplyEvent> }> {
    // No snapshots of replies: a snapshot would keep their text in plain past an erasure.
    const { aggregate, stream } = await this.load<ReplyEvent, Reply>(Reply.streamId(replyId), () => new Reply(), false);
    return { reply: aggregate.assertExists(replyId), stream };
  }

  /** A commenter as the log knows them; one who never had an event is a normal commenter. */
  async commenter(commenterId: string): Promise<{ commenter: Commenter; stream: LoadedStream<CommenterEvent> }> {
    const { aggregate, stream } = await this.load<CommenterEvent, Commenter>(Commenter.streamId(commenterId), () => Commenter.of(commenterId));
    return { commenter: aggregate, stream };
  }

  async batch(batchId: string): Promise<{ batch: ModerationBatch; stream: LoadedStream<BatchEvent> }> {
    const { aggregate, stream } = await this.load<BatchEvent, ModerationBatch>(ModerationBatch.streamId(batchId), () => new ModerationBatch(), false);
    return { batch: aggregate.assertExists(batchId), stream };
  }

  private async load<E extends DomainEvent, A extends AggregateRoot<E>>(streamId: string, create: () => A, snapshots = true) {
    const kept = snapshots ? this.kept.get(streamId) : undefined;
    const found = kept || !snapshots ? null : await this.snapshots.get(streamId);
    const snapshot = kept ?? (found?.schema === SNAPSHOT_SCHEMA ? found : null);
    // A copy: the aggregate may change what it restores from.
    const aggregate = snapshot ? create().restore(kept ? structuredClone(kept) : snapshot) : create();
    const stream = await this.store.load<E>(streamId, snapshot ?? undefined);
    aggregate.rehydrate(stream.events.map((e) => e.event));
    const snapshotAt = kept?.snapshotAt ?? (snapshot ? snapshot.version : 0);
    const snapshotNow = snapshots && aggregate.version - snapshotAt >= SNAPSHOT_EVERY;
    if (snapshotNow) {
      const { version, state } = aggregate.snapshot();
      // A cache: a failed write only means the next load reads a little more.
      void this.snapshots
        .put({ _id: streamId, version, head: stream.head, schema: SNAPSHOT_SCHEMA, state })
        .catch((error) => this.logger.warn(`${streamId}: ${(error as Error).message}`));
    }
    if (snapshots && (!kept || stream.events.length > 0)) {
      this.keep(streamId, structuredClone({ ...aggregate.snapshot(), head: stream.head, snapshotAt: snapshotNow ? aggregate.version : snapshotAt }));
    }
    // The caller appends after what it loaded: the stream as a whole, from the kept state on.
    return { aggregate, stream };
  }

  private keep(streamId: string, state: Kept): void {
    // The least recently changed goes first.
    this.kept.delete(streamId);
    if (this.kept.size >= KEPT_STREAMS) this.kept.delete(this.kept.keys().next().value!);
    this.kept.set(streamId, state);
  }
}
