import { Article, DomainEvent } from '@app/domain';
import { EventMetadata, EventStore, LoadedStream, Snapshot, SnapshotStore, StoredEvent, StreamConflictError, StreamPosition } from '@app/event-store';
import { Aggregates, SNAPSHOT_EVERY } from './aggregates';

const t0 = new Date('2026-03-01T12:00:00.000Z');
const meta: EventMetadata = { actor: { kind: 'admin', id: 'ed', name: 'Ed' }, correlationId: 'c', causationId: null };

/** Streams in memory, one event per commit; counts what each load had to read. */
class MemoryStore implements EventStore {
  readonly streams = new Map<string, DomainEvent[]>();
  readonly loads: { streamId: string; from: number }[] = [];
  async load<E extends DomainEvent>(streamId: string, from?: StreamPosition): Promise<LoadedStream<E>> {
    const all = this.streams.get(streamId) ?? [];
    const start = from?.version ?? 0;
    this.loads.push({ streamId, from: start });
    const events = all.slice(start).map((event, i): StoredEvent<E> => ({ event: event as E, streamId, version: start + i + 1, commitId: `${streamId}:${start + i + 1}`, recordedAt: t0, metadata: meta }));
    return { streamId, events, version: all.length, head: all.length ? `${streamId}:${all.length}` : null };
  }
  async append(expected: Pick<LoadedStream, 'streamId' | 'version' | 'head'>, events: DomainEvent[], _metadata?: EventMetadata) {
    const all = this.streams.get(expected.streamId) ?? [];
    if (all.length !== expected.version) throw new StreamConflictError(expected.streamId, expected.version);
    this.streams.set(expected.streamId, [...all, ...events]);
    return { commitId: `${expected.streamId}:${expected.version + 1}`, version: all.length + events.length };
  }
}

class MemorySnapshots implements SnapshotStore {
  readonly stored = new Map<string, Snapshot>();
  gets = 0;
  async get(streamId: string) {
    this.gets += 1;
    return this.stored.get(streamId) ?? null;
  }
  async put(snapshot: Snapshot) {
    this.stored.set(snapshot._id, structuredClone(snapshot));
  }
}

async function publish(store: MemoryStore, id: string) {
  await store.append({ streamId: Article.streamId(id), version: 0, head: null }, Article.publish({ articleId: id, title: 'T', author: 'W', category: 'News', body: [] }, t0).pullEvents(), meta);
}

describe('aggregates kept in memory', () => {
  it('a second load starts where the first ended, and still sees a change another process appended', async () => {
    const store = new MemoryStore();
    const snapshots = new MemorySnapshots();
    const aggregates = new Aggregates(store, snapshots);
    await publish(store, 'a1');
    await aggregates.article('a1');
    expect(store.loads.at(-1)).toEqual({ streamId: 'article-a1', from: 0 });

    await aggregates.article('a1');
    expect(store.loads.at(-1)).toEqual({ streamId: 'article-a1', from: 1 });
    expect(snapshots.gets).toBe(1);

    // Another process closes the article: the next load reads that one event, and applies it.
    const other = new Aggregates(store, new MemorySnapshots());
    const { article, stream } = await other.article('a1');
    article.changeSettings({ open: false });
    await store.append(stream, article.pullEvents(), meta);
    const { article: seen, stream: after } = await aggregates.article('a1');
    expect(store.loads.at(-1)).toEqual({ streamId: 'article-a1', from: 1 });
    expect(seen.settings.open).toBe(false);
    expect(seen.version).toBe(2);
    expect(after).toMatchObject({ version: 2, head: 'article-a1:2' });
  });

  it('what a caller does to a loaded aggregate does not reach the kept state', async () => {
    const store = new MemoryStore();
    const aggregates = new Aggregates(store, new MemorySnapshots());
    await publish(store, 'a2');
    const { article } = await aggregates.article('a2');
    article.changeSettings({ open: false }); // recorded, never appended
    const { article: again } = await aggregates.article('a2');
    expect(again.settings.open).toBe(true);
    expect(again.version).toBe(1);
  });

  it('still writes a snapshot every SNAPSHOT_EVERY events, though it reads only the new ones', async () => {
    const store = new MemoryStore();
    const snapshots = new MemorySnapshots();
    const aggregates = new Aggregates(store, snapshots);
    await publish(store, 'a3');
    for (let i = 0; i < SNAPSHOT_EVERY + 2; i++) {
      const { article, stream } = await aggregates.article('a3');
      article.changeSettings({ editWindowMinutes: 10 + i });
      await store.append(stream, article.pullEvents(), meta);
    }
    await aggregates.article('a3');
    expect(snapshots.stored.get('article-a3')?.version).toBe(SNAPSHOT_EVERY);
    expect(store.loads.slice(1).every((l) => l.from > 0)).toBe(true);
  });
});
