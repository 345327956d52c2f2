import { AggregateRoot, Article, ArticleEvent, BatchEvent, Commenter, CommenterEvent, DomainEvent, ModerationBatch, Reply, ReplyEvent, SNAPSHOT_SCHEMA } from '@app/domain';
import { EVENT_STORE, EventStore, LoadedStream, SNAPSHOTS, SnapshotStore } from '@app/event-store';
import { Inject, Injectable, Logger } from '@nestjs/common';

/** Events read past the snapshot before a new one is taken. */
export const SNAPSHOT_EVERY = 20;

/** Loads aggregates from their streams, starting from a snapshot when one exists. */
@Injectable()
export class Aggregates {
  private readonly logger = new Logger('snapshots');

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
    const found = snapshots ? await this.snapshots.get(streamId) : null;
    const snapshot = found?.schema === SNAPSHOT_SCHEMA ? found : null;
    const aggregate = snapshot ? create().restore(snapshot) : create();
    const stream = await this.store.load<E>(streamId, snapshot ?? undefined);
    aggregate.rehydrate(stream.events.map((e) => e.event));
    if (snapshots && stream.events.length >= SNAPSHOT_EVERY) {
      const { version, state } = aggregate.snapshot();
      // A cache: a failed write only means the next load reads a little more.
      void this.snapshots
        .put({ _id: streamId, version, head: stream.head, schema: SNAPSHOT_SCHEMA, state })
        .catch((error) => this.logger.warn(`${streamId}: ${(error as Error).message}`));
    }
    return { aggregate, stream };
  }
}
