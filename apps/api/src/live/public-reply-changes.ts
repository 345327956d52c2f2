import { ReplyEvent } from '@app/domain';
import { EVENT_STORE, EventStore, LogEntry } from '@app/event-store';
import { Inject, Injectable, MessageEvent } from '@nestjs/common';
import { isDeepStrictEqual } from 'node:util';
import { mayChangePublicView, publicChange } from './public-reply';

/** Rendered entries kept for the streams that render the same entry (every reader of a busy thread). */
const CACHE_SIZE = 2000;

/**
 * Turns a log entry into what the public stream of its article sends: the reply's public view
 * when what readers see of it changed (published, an edit published, featured, taken down,
 * retracted, removed), else nothing. Replies that were never published never appear.
 *
 * Whether a verdict or a decision publishes is in the event, but the text it publishes is not
 * (an edit's text waits for its verdict): the reply's own stream is read by `_id` and folded up
 * to this entry, so what is sent is exactly what readers could see at that position, whatever
 * the views' projectors have reached. Events come decrypted: an erased author's text reads empty.
 */
@Injectable()
export class PublicReplyChanges {
  private readonly cache = new Map<number, Promise<Omit<MessageEvent, 'id'> | null>>();

  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  render(entry: LogEntry): Promise<Omit<MessageEvent, 'id'> | null> {
    const events = entry.events as ReplyEvent[];
    if (!entry.streamId.startsWith('reply-') || !events.some(mayChangePublicView)) return Promise.resolve(null);
    let rendered = this.cache.get(entry.position);
    if (!rendered) {
      rendered = this.renderStream(entry);
      rendered.catch(() => this.cache.delete(entry.position));
      if (this.cache.size >= CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(entry.position, rendered);
    }
    return rendered;
  }

  private async renderStream(entry: LogEntry): Promise<Omit<MessageEvent, 'id'> | null> {
    const stream = await this.store.load<ReplyEvent>(entry.streamId);
    const { before, after } = publicChange(stream.events, entry.version, entry.version + entry.events.length - 1);
    if (!after || isDeepStrictEqual(before, after)) return null;
    return { type: 'reply', data: after };
  }
}

/** The article a log entry belongs to, if it is about one. */
export const articleOf = (entry: LogEntry): string | undefined => (entry.events[0]?.data as { articleId?: unknown } | undefined)?.articleId as string | undefined;
