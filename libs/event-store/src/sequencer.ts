import type { mongo } from 'mongoose';
import { CommitDocument, InboxMarker, LogEntry } from './commit';
import {
  blockEnd,
  blockStart,
  EventStoreCollections,
  LOG_PAGE_SIZE,
  LogChunkDocument,
  logChunkId,
  LogPageDocument,
  logPageId,
} from './collections';
import { APPEND_ABANDONED } from '@app/domain';
import { isDuplicateKey } from './errors';
import { UNFENCED, WriteGuard } from './held-lease';

interface SequencerState {
  _id: 'head';
  /** A hint: the last position this or an earlier sequencer finished. The chunks are the truth. */
  position: number;
  fence: number;
}

export interface SequencerOptions {
  /** Markers taken per round. */
  batchSize: number;
  /**
   * How long a marker waits for its commit before its version is filled as abandoned. Only
   * liveness depends on it: the commit's `_id` decides between the late commit and the filler.
   */
  markerGraceMs: number;
}

export interface SequencedBatch {
  head: number;
  sequenced: number;
  /** Commits left in the inbox because something they depend on cannot be found. */
  deferred: number;
  /** Markers whose commit has not come yet (a writer between its two inserts). */
  waiting: number;
}

/** Another sequencer holds a position this one meant to write: its round stops and it recovers. */
export class LogPositionTakenError extends Error {
  constructor(position: number) {
    super(`log position ${position} was taken by another sequencer`);
    this.name = 'LogPositionTakenError';
  }
}

/** Commits whose positions are recorded per step, each step moving the head hint. */
const FINISH_SLICE = 50;
/** Commit lookups in flight at once: well inside the driver's connection pool. */
const PARALLEL_LOOKUPS = 50;

/**
 * Commit ids known to be in the log, so dependencies are not looked up again and again. Most
 * are recent (a parent reply, a stream's previous commit); an article's first commit is asked
 * for by each reply, so a hit keeps an id, and the least recently asked for is forgotten.
 */
export class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max: number) {}
  has(id: string) {
    if (!this.ids.delete(id)) return false;
    this.ids.add(id);
    return true;
  }
  add(id: string) {
    if (!this.ids.delete(id) && this.ids.size >= this.max) this.ids.delete(this.ids.values().next().value!);
    this.ids.add(id);
  }
}

/**
 * Gives commits their dense global positions. The log is written only by inserts of
 * immutable chunks keyed by their first position, so a second sequencer (a paused holder
 * whose lease expired) can never overwrite or duplicate a position: its insert fails with
 * 11000. After the chunk, the round records positions on the commits, removes the markers
 * and moves the head hint; any error drops what the round holds in memory and the next
 * round recovers from the chunks, finishing what the failed one left.
 */
export class Sequencer {
  private head: { position: number; sequencedAt: Date } | null = null;
  /** Small: a miss costs one lookup by `_id`, and 50,000 ids were 4 MB of a worker's heap (issue 9). */
  private readonly known = new RecentIds(5_000);
  /**
   * Markers seen without their commit, and when this sequencer first saw each (its own
   * monotonic clock): the grace runs from there, so neither a writer's clock nor a queue
   * before the marker's insert shortens it. Lost on failover, which only delays a filler.
   */
  private readonly waitingSince = new Map<string, number>();

  constructor(
    private readonly db: mongo.Db,
    private readonly options: SequencerOptions = { batchSize: 200, markerGraceMs: 5_000 },
    private readonly clock: () => Date = () => new Date(),
    private guard: WriteGuard = UNFENCED,
  ) {}

  /** The lease this sequencer writes under. */
  fenceWith(guard: WriteGuard): void {
    this.guard = guard;
  }

  private get commits() {
    return this.db.collection<CommitDocument>(EventStoreCollections.commits);
  }
  private get inbox() {
    return this.db.collection<InboxMarker>(EventStoreCollections.inbox);
  }
  private get chunks() {
    return this.db.collection<LogChunkDocument>(EventStoreCollections.logChunks);
  }
  private get pages() {
    return this.db.collection<LogPageDocument>(EventStoreCollections.logPages);
  }
  private get state() {
    return this.db.collection<SequencerState>(EventStoreCollections.sequencer);
  }

  /** The highest fencing token recorded in the store, for the next lease's floor. */
  async fenceFloor(): Promise<number> {
    return (await this.state.findOne({ _id: 'head' }))?.fence ?? 0;
  }

  /**
   * Finds the end of the log by following the chunks from the block before the head hint, and
   * finishes (positions, markers, hint) every entry past the hint. Call when the lease is
   * (re)taken and after any failed round.
   */
  async recover(): Promise<number> {
    this.head = null;
    const saved = await this.guard.call(() => this.state.findOne({ _id: 'head' }));
    this.guard.meet(saved?.fence);
    const hint = saved?.position ?? 0;
    // A block boundary at or below the hint is a chunk boundary; step back if the log is shorter.
    let end = hint === 0 ? 0 : blockStart(hint) - 1;
    while (end > 0 && !(await this.guard.call(() => this.chunks.findOne({ _id: logChunkId(blockStart(end)) })))) end -= LOG_PAGE_SIZE;
    let last: LogEntry | null = end > 0 ? await this.entryAt(end) : null;
    const unfinished: LogEntry[] = [];
    const completed: number[] = [];
    for (;;) {
      const chunk = await this.guard.call(() => this.chunks.findOne({ _id: logChunkId(end + 1) }));
      if (!chunk) break;
      this.guard.meet(chunk.fence);
      unfinished.push(...chunk.entries.filter((e) => e.position > hint));
      end = chunk.last;
      last = chunk.entries[chunk.entries.length - 1];
      if (end % LOG_PAGE_SIZE === 0) completed.push(end);
    }
    if (unfinished.length) await this.finish(unfinished);
    // The head hint also records this holder's token before its first chunk: the next
    // holder's floor, should Redis lose the counter.
    else await this.saveHead(end);
    for (const blockLast of completed) await this.compact(blockLast);
    this.head = { position: end, sequencedAt: last?.sequencedAt ?? new Date(0) };
    return end;
  }

  /** The entry at a block's last position, from its page or its chunks. */
  private async entryAt(position: number): Promise<LogEntry | null> {
    const page = await this.guard.call(() => this.pages.findOne({ _id: logPageId(position) }));
    if (page) return page.entries.find((e) => e.position === position) ?? null;
    let next = blockStart(position);
    for (;;) {
      const chunk = await this.guard.call(() => this.chunks.findOne({ _id: logChunkId(next) }));
      if (!chunk) return null;
      if (chunk.last >= position) return chunk.entries.find((e) => e.position === position) ?? null;
      next = chunk.last + 1;
    }
  }

  /**
   * Sequences what the inbox holds, oldest first. Reading and clearing the inbox need no
   * fencing (a marker only says "look at this commit"), so they carry no store timeout: on
   * FerretDB both scan the inbox, which holds only commits in flight.
   */
  async sequenceInbox(): Promise<SequencedBatch> {
    // Past the markers still waiting for their commit, so they never hold the rest back.
    const markers = await this.inbox.find({}).sort({ recordedAt: 1, _id: 1 }).limit(this.options.batchSize + this.waitingSince.size).toArray();
    const present = new Set(markers.map((m) => m._id));
    for (const id of this.waitingSince.keys()) if (!present.has(id)) this.waitingSince.delete(id);
    return this.sequence(markers.map((m) => m._id), new Map(markers.map((m) => [m._id, m])));
  }

  /**
   * Sequences these commits, after what they depend on; ones already sequenced are skipped.
   * `markers`: the inbox markers they came from; a marked commit that is not there yet waits,
   * then is abandoned. An id without a marker and without a commit is a stale marker.
   */
  async sequence(ids: string[], markers: Map<string, InboxMarker> = new Map()): Promise<SequencedBatch> {
    try {
      return await this.round(ids, markers);
    } catch (error) {
      // Whatever this round believed may be wrong now: the next one starts from the log.
      this.head = null;
      throw error;
    }
  }

  private async round(ids: string[], markers: Map<string, InboxMarker>): Promise<SequencedBatch> {
    if (!this.head) await this.recover();
    const head = this.head!;
    const ordered: CommitDocument[] = [];
    const taken = new Set<string>();
    const done: string[] = [];
    let deferred = 0;
    let waiting = 0;
    const loaded = new Map<string, CommitDocument>();
    for (const commit of await this.lookUp(ids)) if (commit) loaded.set(commit._id, commit);
    for (const id of ids) {
      let commit = loaded.get(id);
      if (commit) this.waitingSince.delete(id);
      const marker = markers.get(id);
      if (!commit && marker?.streamId !== undefined && !this.known.has(id)) {
        commit = (await this.abandonIfDue(marker)) ?? undefined;
        if (!commit) {
          waiting += 1;
          continue;
        }
        loaded.set(id, commit);
      }
      if (!commit || commit.position !== undefined || this.known.has(id)) {
        done.push(id);
        continue;
      }
      if (!(await this.take(commit, ordered, taken, new Set(), loaded))) deferred += 1;
    }
    if (ordered.length === 0) {
      if (done.length) await this.inbox.deleteMany({ _id: { $in: done } });
      return { head: head.position, sequenced: 0, deferred, waiting };
    }
    // Clocks differ between processes: a round never stamps a time before the last one's.
    const now = this.clock();
    const sequencedAt = now < head.sequencedAt ? head.sequencedAt : now;
    const entries: LogEntry[] = ordered.map((c, i) => ({
      position: head.position + i + 1,
      commitId: c._id,
      streamId: c.streamId,
      version: c.version,
      events: c.events,
      recordedAt: c.recordedAt,
      sequencedAt,
      metadata: c.metadata,
    }));
    const chunks = this.chunksOf(entries);
    for (const chunk of chunks) {
      try {
        await this.guard.call(() => this.chunks.insertOne(chunk));
      } catch (error) {
        if (isDuplicateKey(error)) throw new LogPositionTakenError(chunk.first);
        throw error;
      }
      this.head = { position: chunk.last, sequencedAt };
    }
    await this.finish(entries, done);
    // Pages only speed up long reads: after the positions, so consumers are not kept waiting.
    for (const chunk of chunks) if (chunk.last % LOG_PAGE_SIZE === 0) await this.compact(chunk.last, chunk.entries);
    return { head: chunks[chunks.length - 1].last, sequenced: entries.length, deferred, waiting };
  }

  /**
   * A marker whose commit has not come: within the grace, null (it waits); past it, the
   * version is claimed by an insert of an `append.abandoned` commit. The insert decides: if
   * the real commit came meanwhile, the claim fails on its `_id` and the real one is taken;
   * otherwise the filler is sequenced and the late writer's insert fails as a conflict.
   */
  private async abandonIfDue(marker: InboxMarker): Promise<CommitDocument | null> {
    const now = this.clock();
    const seenAt = this.waitingSince.get(marker._id) ?? this.waitingSince.set(marker._id, performance.now()).get(marker._id)!;
    if (performance.now() - seenAt < this.options.markerGraceMs) return null;
    this.waitingSince.delete(marker._id);
    const filler: CommitDocument = {
      _id: marker._id,
      streamId: marker.streamId!,
      version: marker.version!,
      previous: marker.previous ?? null,
      events: [{ type: APPEND_ABANDONED, schemaVersion: 1, data: { commitId: marker._id, announcedAt: marker.recordedAt.toISOString() } }],
      recordedAt: now,
      metadata: { actor: { kind: 'system', id: 'sequencer', name: 'sequencer' }, correlationId: `abandoned-${marker._id}`, causationId: null },
    };
    try {
      await this.guard.call(() => this.commits.insertOne(filler));
      return filler;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return this.guard.call(() => this.commits.findOne({ _id: marker._id }));
    }
  }

  /** Commits by `_id`, a bounded number at a time so the connection pool never queues calls past their timeout. */
  private async lookUp(ids: string[]): Promise<(CommitDocument | null)[]> {
    const out: (CommitDocument | null)[] = [];
    for (let i = 0; i < ids.length; i += PARALLEL_LOOKUPS) {
      const slice = ids.slice(i, i + PARALLEL_LOOKUPS);
      out.push(...(await Promise.all(slice.map((id) => this.guard.call(() => this.commits.findOne({ _id: id }))))));
    }
    return out;
  }

  /**
   * Takes a commit after the commits it depends on: its stream's previous commit (a lost
   * marker must not reorder a stream) and `dependsOn` (the article, the parent reply). False
   * when a dependency cannot be found: the commit stays in the inbox for a later round.
   */
  private async take(
    commit: CommitDocument,
    out: CommitDocument[],
    taken: Set<string>,
    visiting: Set<string>,
    loaded: Map<string, CommitDocument>,
  ): Promise<boolean> {
    if (taken.has(commit._id)) return true;
    if (visiting.has(commit._id)) return false;
    visiting.add(commit._id);
    for (const dep of [commit.previous, ...(commit.dependsOn ?? [])]) {
      if (!dep || taken.has(dep) || this.known.has(dep)) continue;
      const found = loaded.get(dep) ?? (await this.guard.call(() => this.commits.findOne({ _id: dep })));
      if (!found) return false;
      if (found.position !== undefined) {
        this.known.add(dep);
        continue;
      }
      if (!(await this.take(found, out, taken, visiting, loaded))) return false;
    }
    taken.add(commit._id);
    out.push(commit);
    return true;
  }

  /** One chunk per block the entries touch, so every block starts a chunk. */
  private chunksOf(entries: LogEntry[]): LogChunkDocument[] {
    const out: LogChunkDocument[] = [];
    let current: LogEntry[] = [];
    for (const e of entries) {
      current.push(e);
      if (e.position === blockEnd(e.position)) (out.push(this.chunk(current)), (current = []));
    }
    if (current.length) out.push(this.chunk(current));
    return out;
  }

  private chunk(entries: LogEntry[]): LogChunkDocument {
    const first = entries[0].position;
    return { _id: logChunkId(first), first, last: entries[entries.length - 1].position, entries, fence: this.guard.token };
  }

  /**
   * Copies a complete block into one page; a page that exists already holds the same entries.
   * `tail`: the block's last entries, already in memory; only the chunks before them are read.
   */
  private async compact(last: number, tail: LogEntry[] = []): Promise<void> {
    const entries: LogEntry[] = [];
    const until = tail.length ? tail[0].position - 1 : last;
    let next = blockStart(last);
    while (next <= until) {
      const chunk = await this.guard.call(() => this.chunks.findOne({ _id: logChunkId(next) }));
      if (!chunk) return;
      entries.push(...chunk.entries);
      next = chunk.last + 1;
    }
    entries.push(...tail);
    try {
      await this.guard.call(() => this.pages.insertOne({ _id: logPageId(last), entries }));
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /**
   * Everything after the chunk inserts; repeating it is harmless. Positions in slices, each
   * moving the head hint, so a flaky store still lets a long recovery make progress; then
   * the markers, in one delete (on FerretDB every delete not by a single _id scans the inbox;
   * a marker left by a crash is cleared by a later round). `alsoDone`: stale markers.
   */
  private async finish(entries: LogEntry[], alsoDone: string[] = []): Promise<void> {
    for (let i = 0; i < entries.length; i += FINISH_SLICE) {
      const slice = entries.slice(i, i + FINISH_SLICE);
      // Each call bounded on its own: the timeout is per store call, not per slice.
      await Promise.all(
        slice.map((e) => this.guard.call(() => this.commits.updateOne({ _id: e.commitId }, { $set: { position: e.position, sequencedAt: e.sequencedAt } }))),
      );
      await this.saveHead(slice[slice.length - 1].position);
      for (const e of slice) this.known.add(e.commitId);
    }
    await this.inbox.deleteMany({ _id: { $in: [...entries.map((e) => e.commitId), ...alsoDone] } });
  }

  private async saveHead(position: number): Promise<void> {
    await this.guard.call(() =>
      this.state.findOneAndUpdate({ _id: 'head' }, { $set: { position, fence: this.guard.token } }, { upsert: true }),
    );
  }
}

/**
 * Writes a marker for every commit that has no position: the way to pick up commits written
 * by the old order (commit, then marker) whose marker failed, once, after an upgrade. It scans
 * every commit, so it is an admin command (`npm run admin -- announce-unsequenced`), never on
 * a timer. A marker that exists already is left; the live sequencer does the rest.
 */
export async function announceUnsequenced(db: mongo.Db): Promise<{ unsequenced: number; announced: number }> {
  const inbox = db.collection<InboxMarker>(EventStoreCollections.inbox);
  let unsequenced = 0;
  let announced = 0;
  const cursor = db
    .collection<CommitDocument>(EventStoreCollections.commits)
    .find({ position: { $exists: false } }, { projection: { _id: 1, streamId: 1, version: 1, previous: 1, recordedAt: 1 } });
  for await (const c of cursor) {
    unsequenced += 1;
    try {
      await inbox.insertOne({ _id: c._id, recordedAt: c.recordedAt, streamId: c.streamId, version: c.version, previous: c.previous });
      announced += 1;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }
  return { unsequenced, announced };
}
