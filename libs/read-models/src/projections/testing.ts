import { DOMAIN_UPCASTERS, DomainEvent, ReplyEvent, ReplySubmitted } from '@app/domain';
import { LogEntry, UpcasterRegistry } from '@app/event-store';

/** Entries come upcast, as the log reader hands them over: tests may give events as stored at any schema. */
const upcasters = new UpcasterRegistry(DOMAIN_UPCASTERS);
import { applyEntries, BatchStore } from './projection-runner';
import { Projection, ViewDocument } from './projection';

/** Documents in memory, keyed by collection and `_id`: what the runner would have written. */
export type Documents = Map<string, ViewDocument>;

/** Given these log entries, the documents a projection leaves (on top of `existing`). */
export async function project(projection: Projection, entries: LogEntry[], existing: Documents = new Map()): Promise<Documents> {
  const store = new BatchStore(async (c, id) => existing.get(`${c}/${id}`) ?? null);
  await applyEntries(projection, entries, store);
  const out = new Map(existing);
  for (const [c, doc] of store.changes(projection.collections)) out.set(`${c}/${doc._id}`, doc);
  return out;
}

let position = 0;
export const resetPositions = () => (position = 0);

export function entry(streamId: string, version: number, ...events: DomainEvent[]): LogEntry {
  position += 1;
  return {
    position,
    commitId: `${streamId}:${version}`,
    streamId,
    version,
    events: events.map((e) => upcasters.upcast(e)),
    recordedAt: new Date(0),
    sequencedAt: new Date(0),
    metadata: { actor: { kind: 'reader', id: 'u', name: 'U' }, correlationId: 'c', causationId: null },
  };
}

export function submitted(over: Partial<ReplySubmitted['data']> & { replyId: string }): ReplyEvent {
  const depth = over.depth ?? (over.parentId ? 2 : 1);
  return {
    type: 'reply.submitted',
    schemaVersion: 1,
    data: { articleId: 'a1', parentId: null, rootId: over.replyId, depth, author: { kind: 'reader', id: 'u', name: 'U' }, body: `text of ${over.replyId}`, submittedAt: `2026-01-01T00:00:${String(position % 60).padStart(2, '0')}.000Z`, status: 'published', ...over },
  };
}
