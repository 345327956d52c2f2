import { DomainEvent } from '@app/domain';
import type { mongo } from 'mongoose';
import { CommitDocument, commitId, EventMetadata, InboxMarker, LoadedStream, realEvents, StoredEvent } from './commit';
import { EventStoreCollections } from './collections';
import { isDuplicateKey, StreamConflictError } from './errors';
import { GroupInsert } from './group-insert';
import { AppendOptions, AppendResult, EventStore, LogWaker, Snapshot, SnapshotStore, StreamPosition } from './ports';
import { UpcasterRegistry } from './upcasters';
import { PersonalDataCipher } from './personal-data';

/**
 * Streams as chains of commit documents keyed `<streamId>:<version>`: loading walks the chain
 * by `_id`, appending is an insert that fails on a duplicate `_id` when another writer won.
 */
export class MongoEventStore implements EventStore {
  /** Concurrent appends share their marker inserts and their commit inserts (group commit). */
  private readonly markerInserts = new GroupInsert<InboxMarker>(() => this.inbox);
  private readonly commitInserts = new GroupInsert<CommitDocument>(() => this.commits);

  constructor(
    private readonly db: mongo.Db,
    private readonly upcasters: UpcasterRegistry,
    private readonly waker: LogWaker,
    private readonly cipher: PersonalDataCipher,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private get commits() {
    return this.db.collection<CommitDocument>(EventStoreCollections.commits);
  }

  private get inbox() {
    return this.db.collection<InboxMarker>(EventStoreCollections.inbox);
  }

  async load<E extends DomainEvent>(streamId: string, from?: StreamPosition): Promise<LoadedStream<E>> {
    const events: StoredEvent<E>[] = [];
    let version = from?.version ?? 0;
    let head: string | null = from?.head ?? null;
    for (;;) {
      const commit = await this.commits.findOne({ _id: commitId(streamId, version + 1) });
      if (!commit) break;
      (await this.cipher.open(commit._id, commit.events)).forEach((event, i) => {
        events.push({
          event: this.upcasters.upcast<E>(event),
          streamId,
          version: commit.version + i,
          commitId: commit._id,
          recordedAt: commit.recordedAt,
          metadata: commit.metadata,
          position: commit.position ?? null,
        });
      });
      version = commit.version + commit.events.length - 1;
      head = commit._id;
    }
    return { streamId, events, version, head };
  }

  async append(
    expected: Pick<LoadedStream, 'streamId' | 'version' | 'head'>,
    events: DomainEvent[],
    metadata: EventMetadata,
    options: AppendOptions = {},
  ): Promise<AppendResult> {
    if (events.length === 0) throw new Error('nothing to append');
    const version = expected.version + 1;
    const id = commitId(expected.streamId, version);
    const commit: CommitDocument = {
      _id: id,
      streamId: expected.streamId,
      version,
      previous: expected.head,
      ...(options.dependsOn?.length ? { dependsOn: options.dependsOn } : {}),
      events: await this.cipher.seal(id, events.map(({ type, schemaVersion, data }) => ({ type, schemaVersion, data })), metadata.actor),
      recordedAt: this.clock(),
      metadata,
    };
    await this.announce(commit);
    await this.beforeCommit(commit);
    try {
      await this.commitInserts.insert(commit);
    } catch (error) {
      // Another writer took the version, or the sequencer gave this commit up as abandoned.
      if (isDuplicateKey(error)) throw new StreamConflictError(expected.streamId, expected.version);
      throw error;
    }
    void this.waker.commitRecorded(commit._id).catch(() => undefined);
    return { commitId: commit._id, version: version + events.length - 1 };
  }

  /**
   * The marker goes first, so every commit is announced before it exists and the sequencer
   * never scans the commits (decision 0037). A duplicate is a concurrent writer's marker for
   * the same version: one marker serves whichever commit wins it.
   */
  protected async announce(commit: CommitDocument): Promise<void> {
    try {
      // Its own time, after the sealing: the grace counts from here.
      await this.markerInserts.insert({ _id: commit._id, recordedAt: this.clock(), streamId: commit.streamId, version: commit.version, previous: commit.previous });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** Test hook: the writer between its marker and its commit (a pause, a crash). */
  protected async beforeCommit(_commit: CommitDocument): Promise<void> {}
}

/** Snapshots by stream id. Any process may write one: last write wins, and any is valid. */
export class MongoSnapshotStore implements SnapshotStore {
  constructor(private readonly db: mongo.Db) {}

  get(streamId: string): Promise<Snapshot | null> {
    return this.db.collection<Snapshot>(EventStoreCollections.snapshots).findOne({ _id: streamId });
  }

  async put({ _id, ...fields }: Snapshot): Promise<void> {
    await this.db.collection<Snapshot>(EventStoreCollections.snapshots).findOneAndUpdate({ _id }, { $set: fields }, { upsert: true });
  }
}

/**
 * Creates a stream whose id the caller did not draw at random: at version 0, or after the
 * versions the sequencer filled as abandoned (an earlier try that failed half-way; decision
 * 0037). False when the stream already holds real events.
 */
export async function createStream(store: EventStore, streamId: string, events: DomainEvent[], metadata: EventMetadata, options?: AppendOptions): Promise<boolean> {
  let expected: Pick<LoadedStream, 'streamId' | 'version' | 'head'> = { streamId, version: 0, head: null };
  for (let attempt = 0; ; attempt++) {
    try {
      await store.append(expected, events, metadata, options);
      return true;
    } catch (error) {
      if (!(error instanceof StreamConflictError)) throw error;
      const stream = await store.load(streamId);
      if (realEvents(stream.events).length > 0) return false;
      if (attempt >= 3) throw error;
      expected = stream;
    }
  }
}
