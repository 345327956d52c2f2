import { CommenterEvent, ReplyEvent } from '@app/domain';
import { EventMetadata, EventStore, EventStoreCollections, LogEntry, LogHandler, StreamConflictError, UNFENCED, ViewRolledBackError, WriteGuard, commitId } from '@app/event-store';
import { CommenterMeta, CommenterReplies, commenterRepliesId, CommenterRepliesProjection, ProjectionRunner, ViewCollections, ViewNames } from '@app/read-models';
import type { mongo } from 'mongoose';
import { loadReply } from '../shared/streams';

/** What the ledger needs beyond the store: forgetting the person and their network data. */
export interface ErasureEffects {
  /** Forgets the identity link and destroys the key; idempotent. */
  forgetCommenter(commenterId: string): Promise<void>;
  /** Drops what is kept about the network a commit came from (Redis, with an expiry anyway). */
  forgetNetworkData(commitIds: string[]): Promise<void>;
}

/** Replies erased at once: well inside the connection pool. */
const PARALLEL_ERASURES = 10;

const ERASURE_ACTOR = { kind: 'system', id: 'erasure', name: 'erasure' } as const;

/** The ledger's consumer name: its checkpoint says how far the lists of commenters' replies go. */
export const COMMENTER_LEDGER = 'commenter-ledger@1';

/**
 * Keeps each commenter's list of replies and carries out erasures, in log order: at a
 * `commenter.erased` it appends `reply.erased` to every reply in the list, and a reply of an
 * erased commenter sequenced later (written just before the key went) is erased as it comes.
 * Every step is idempotent (the reply refuses a second erasure), so a replayed batch, a
 * duplicate delivery or a stale holder only repeats what is done. It has side effects: it is
 * never rebuilt, only resumed from its checkpoint.
 */
export class CommenterLedger implements LogHandler {
  readonly kind = 'side-effect';
  private readonly projection = new CommenterRepliesProjection();
  private readonly names = ViewNames.of([this.projection]);
  private readonly index: ProjectionRunner;

  constructor(
    private readonly db: mongo.Db,
    private readonly store: EventStore,
    private readonly effects: ErasureEffects,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.index = new ProjectionRunner(db, this.projection, this.names);
  }

  readonly name = COMMENTER_LEDGER;

  partitionOf(entry: LogEntry): string {
    const data = entry.events[0]?.data as { commenterId?: unknown; author?: { id?: unknown } } | undefined;
    return typeof data?.commenterId === 'string' ? data.commenterId : typeof data?.author?.id === 'string' ? data.author.id : entry.streamId;
  }

  rolledBack(error: ViewRolledBackError): void {
    this.index.rolledBack(error);
  }

  async handle(entries: LogEntry[], guard: WriteGuard = UNFENCED): Promise<void> {
    await this.index.handle(entries, guard);
    // Whether each author in the batch is erased: one lookup per author, not per reply.
    const authors = new Set<string>();
    for (const entry of entries) for (const e of entry.events as ReplyEvent[]) if (e.type === 'reply.submitted') authors.add(e.data.author.id);
    const erased = new Set<string>();
    await Promise.all([...authors].map(async (id) => (await this.meta(id, guard))?.erasedAt && erased.add(id)));
    for (const entry of entries) {
      for (const event of entry.events as (ReplyEvent | CommenterEvent)[]) {
        if (event.type === 'commenter.erased') {
          await this.effects.forgetCommenter(event.data.commenterId);
          await this.eraseAll(event.data.commenterId, entry, guard);
        } else if (event.type === 'reply.submitted' && erased.has(event.data.author.id)) {
          await this.eraseReply(event.data.replyId, event.data.author.id, entry);
        }
      }
    }
  }

  private async eraseAll(commenterId: string, cause: LogEntry, guard: WriteGuard): Promise<void> {
    const meta = await this.meta(commenterId, guard);
    if (!meta) return;
    const buckets = this.db.collection<CommenterReplies>(this.names.collection(ViewCollections.commenterReplies));
    for (let b = 0; b <= meta.lastBucket; b++) {
      const bucket = await guard.call(() => buckets.findOne({ _id: commenterRepliesId(commenterId, b) }));
      const ids = (bucket?.replies ?? []).map((r) => r.replyId);
      for (let i = 0; i < ids.length; i += PARALLEL_ERASURES) {
        await Promise.all(ids.slice(i, i + PARALLEL_ERASURES).map((id) => this.eraseReply(id, commenterId, cause)));
      }
    }
  }

  private meta(commenterId: string, guard: WriteGuard): Promise<CommenterMeta | null> {
    return guard.call(() => this.db.collection<CommenterMeta>(this.names.collection(ViewCollections.commenterMeta)).findOne({ _id: commenterId }));
  }

  /** Appends `reply.erased` unless the reply has it, then drops its snapshot and network data. */
  private async eraseReply(replyId: string, commenterId: string, cause: LogEntry): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const { reply, stream } = await loadReply(this.store, replyId);
      reply.erase(commenterId, this.clock());
      const events = reply.pullEvents();
      try {
        if (events.length > 0) {
          const metadata: EventMetadata = { actor: ERASURE_ACTOR, correlationId: cause.metadata.correlationId, causationId: cause.commitId };
          await this.store.append(stream, events, metadata);
        }
      } catch (error) {
        if (error instanceof StreamConflictError && attempt < 5) continue;
        throw error;
      }
      await this.db.collection<{ _id: string }>(EventStoreCollections.snapshots).deleteOne({ _id: stream.streamId });
      const versions = Array.from({ length: stream.version + events.length }, (_, i) => commitId(stream.streamId, i + 1));
      await this.effects.forgetNetworkData(versions);
      return;
    }
  }
}
