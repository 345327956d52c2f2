import { Commenter, CommenterEvent, NotFoundError, Reply, ReplyEvent } from '@app/domain';
import { EventStore, LoadedStream } from '@app/event-store';

/** A reply from its whole stream: replies have no snapshots, which would outlive an erasure. */
export async function loadReply(store: EventStore, replyId: string): Promise<{ reply: Reply; stream: LoadedStream<ReplyEvent> }> {
  const stream = await store.load<ReplyEvent>(Reply.streamId(replyId));
  return { reply: new Reply().rehydrate(stream.events.map((e) => e.event)).assertExists(replyId), stream };
}

export async function loadCommenter(store: EventStore, commenterId: string): Promise<{ commenter: Commenter; stream: LoadedStream<CommenterEvent> }> {
  const stream = await store.load<CommenterEvent>(Commenter.streamId(commenterId));
  return { commenter: Commenter.of(commenterId).rehydrate(stream.events.map((e) => e.event)), stream };
}

export async function findReply(store: EventStore, replyId: string): Promise<Reply | null> {
  try {
    return (await loadReply(store, replyId)).reply;
  } catch (error) {
    if (error instanceof NotFoundError) return null;
    throw error;
  }
}
