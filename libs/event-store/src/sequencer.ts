import type { mongo } from 'mongoose';
import { CommitDocument, InboxMarker, LogEntry } from './commit';
import { EventStoreCollections, LOG_PAGE_SIZE, LogPageDocument, logPageId } from './collections';

interface SequencerState {
  _id: 'head';
  position: number;
}

export interface SequencerOptions {
  /** Markers taken per round. */
  batchSize: number;
  /** The sweep only looks at commits older than this, whose marker should exist by now. */
  sweepGraceMs: number;
}

export interface SequencedBatch {
  head: number;
  sequenced: number;
}

/**
 * Gives commits their dense global positions. Must run as the single writer of the log
 * (the caller holds the sequencer lease). Each round is crash-safe: the log page is written
 * first and is the truth; commit positions, the head and inbox markers follow, and
 * `recover()` finishes whatever a crash left after the page write.
 */
export class Sequencer {
  private head: number | null = null;

  constructor(
    private readonly db: mongo.Db,
    private readonly options: SequencerOptions = { batchSize: 200, sweepGraceMs: 5_000 },
    private readonly clock: () => Date = () => new Date(),
  ) {}

  private get commits() {
    return this.db.collection<CommitDocument>(EventStoreCollections.commits);
  }
  private get inbox() {
    return this.db.collection<InboxMarker>(EventStoreCollections.inbox);
  }
  private get log() {
    return this.db.collection<LogPageDocument>(EventStoreCollections.log);
  }
  private get state() {
    return this.db.collection<SequencerState>(EventStoreCollections.sequencer);
  }

  /** Call when the lease is (re)taken: brings head, commits and inbox in line with the log. */
  async recover(): Promise<number> {
    const saved = await this.state.findOne({ _id: 'head' });
    let head = saved?.position ?? 0;
    for (;;) {
      const page = await this.log.findOne({ _id: logPageId(head + 1) });
      const beyond = (page?.entries ?? []).filter((e) => e.position > head);
      if (beyond.length === 0) break;
      await this.finish(beyond);
      head = beyond[beyond.length - 1].position;
    }
    if (head !== (saved?.position ?? 0)) await this.saveHead(head);
    this.head = head;
    return head;
  }

  /** Sequences what the inbox holds, oldest first. */
  async sequenceInbox(): Promise<SequencedBatch> {
    const markers = await this.inbox.find({}).sort({ recordedAt: 1, _id: 1 }).limit(this.options.batchSize).toArray();
    return this.sequence(markers.map((m) => m._id));
  }

  /**
   * Commits whose marker was never written (a crash or an outage). Read-only, so it may run
   * outside the writer's turn: on FerretDB it scans every commit.
   */
  async findLost(): Promise<string[]> {
    const before = new Date(this.clock().getTime() - this.options.sweepGraceMs);
    const lost = await this.commits
      .find({ position: { $exists: false }, recordedAt: { $lt: before } }, { projection: { _id: 1 } })
      .sort({ recordedAt: 1, _id: 1 })
      .limit(this.options.batchSize)
      .toArray();
    return lost.map((c) => c._id);
  }

  async sweep(): Promise<SequencedBatch> {
    return this.sequence(await this.findLost());
  }

  /** Sequences these commits (and unsequenced ones before them); ones already sequenced are skipped. */
  async sequence(ids: string[]): Promise<SequencedBatch> {
    const head = this.head ?? (await this.recover());
    const ordered: CommitDocument[] = [];
    const taken = new Set<string>();
    const done: string[] = [];
    // Lookups by _id in parallel: the store serves them concurrently.
    const loaded = await Promise.all(ids.map((id) => this.commits.findOne({ _id: id })));
    for (const [i, id] of ids.entries()) {
      const commit = loaded[i];
      if (!commit || commit.position !== undefined) {
        done.push(id);
        continue;
      }
      await this.takeWithPredecessors(commit, ordered, taken);
    }
    if (ordered.length === 0) {
      if (done.length) await this.inbox.deleteMany({ _id: { $in: done } });
      return { head, sequenced: 0 };
    }
    const sequencedAt = this.clock();
    const entries: LogEntry[] = ordered.map((c, i) => ({
      position: head + i + 1,
      commitId: c._id,
      streamId: c.streamId,
      version: c.version,
      events: c.events,
      recordedAt: c.recordedAt,
      sequencedAt,
      metadata: c.metadata,
    }));
    await this.writePages(entries);
    await this.finish(entries, done);
    return { head: this.head!, sequenced: entries.length };
  }

  /** A stream's commits enter the log in version order, even if a marker was lost. */
  private async takeWithPredecessors(commit: CommitDocument, out: CommitDocument[], taken: Set<string>): Promise<void> {
    if (taken.has(commit._id)) return;
    const chain: CommitDocument[] = [commit];
    let previousId = commit.previous;
    while (previousId && !taken.has(previousId)) {
      const previous = await this.commits.findOne({ _id: previousId });
      if (!previous || previous.position !== undefined) break;
      chain.unshift(previous);
      previousId = previous.previous;
    }
    for (const c of chain) {
      taken.add(c._id);
      out.push(c);
    }
  }

  private async writePages(entries: LogEntry[]): Promise<void> {
    const byPage = new Map<string, LogEntry[]>();
    for (const e of entries) {
      const id = logPageId(e.position);
      byPage.set(id, [...(byPage.get(id) ?? []), e]);
    }
    for (const [id, added] of byPage) {
      const page = await this.log.findOne({ _id: id });
      const kept = (page?.entries ?? []).filter((e) => e.position < added[0].position);
      const all = [...kept, ...added];
      if (all.length > LOG_PAGE_SIZE) throw new Error(`log page ${id} overflows`);
      await this.log.findOneAndUpdate({ _id: id }, { $set: { entries: all } }, { upsert: true });
    }
  }

  /** Everything after the page write; repeating it is harmless. `alsoDone`: stale markers. */
  private async finish(entries: LogEntry[], alsoDone: string[] = []): Promise<void> {
    await Promise.all(
      entries.map((e) => this.commits.updateOne({ _id: e.commitId }, { $set: { position: e.position, sequencedAt: e.sequencedAt } })),
    );
    const last = entries[entries.length - 1].position;
    await this.saveHead(last);
    // One delete: on FerretDB every delete that is not by a single _id scans the inbox.
    await this.inbox.deleteMany({ _id: { $in: [...entries.map((e) => e.commitId), ...alsoDone] } });
  }

  private async saveHead(position: number): Promise<void> {
    await this.state.findOneAndUpdate({ _id: 'head' }, { $set: { position } }, { upsert: true });
    this.head = position;
  }
}
