import { Article, ArticleEvent, Reply, ReplyEvent } from '@app/domain';
import { EVENT_STORE, EventStore, LoadedStream } from '@app/event-store';
import { Inject, Injectable } from '@nestjs/common';

/** Loads aggregates from their streams; the stream comes back too, for the append. */
@Injectable()
export class Aggregates {
  constructor(@Inject(EVENT_STORE) readonly store: EventStore) {}

  async article(articleId: string): Promise<{ article: Article; stream: LoadedStream<ArticleEvent> }> {
    const stream = await this.store.load<ArticleEvent>(Article.streamId(articleId));
    const article = new Article().rehydrate(stream.events.map((e) => e.event)).assertExists(articleId);
    return { article, stream };
  }

  async reply(replyId: string): Promise<{ reply: Reply; stream: LoadedStream<ReplyEvent> }> {
    const stream = await this.store.load<ReplyEvent>(Reply.streamId(replyId));
    const reply = new Reply().rehydrate(stream.events.map((e) => e.event)).assertExists(replyId);
    return { reply, stream };
  }
}
