import { Actor, BatchEvent, Commenter, CommenterEvent, DomainError, ModerationBatch, ModeratorAction, NotFoundError, ReplyStatus } from '@app/domain';
import { CheckpointDocument, createStream, EventStoreCollections, LoadedStream, realEvents, StreamConflictError } from '@app/event-store';
import { Aggregates, Clock, CLOCK, MONGO_DB } from '@app/platform';
import { COMMENTER_LEDGER, CommenterReplyList } from '@app/data-rights';
import { QueueReader } from '@app/read-models';
import { OnWorkerEvent, Processor, WorkerHost } from '@nestjs/bullmq';
import { Inject, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import type { mongo } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { ModerationBacklog } from './moderation-backlog';
import { BATCH_CHUNK, BatchJobData, EndSuspensionData, ModerationJob, ModerationJobData, MODERATION_QUEUE } from './moderation-jobs';

const STATUS_AFTER: Record<ModeratorAction, ReplyStatus> = { approve: 'published', reject: 'rejected', spam: 'spam' };
const SUSPENSIONS: Actor = { kind: 'system', id: 'suspensions', name: 'suspensions' };

/** The ledger has not reached the request yet: the job is tried again, with backoff. */
class LedgerBehindError extends Error {}

export type ModerationOutcome = { outcome: 'done' | 'nothing to do'; detail?: string };

/**
 * Bulk decisions, their undo, and suspension ends. Each step is recorded in a stream before the
 * next, so a job retried after a crash or run twice resumes where the log says and decides no
 * reply twice; the reply's own stream (its last batch mark) is the truth about each decision.
 */
@Processor(MODERATION_QUEUE, { concurrency: 2 })
export class ModerationProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('moderation-jobs');

  readonly handlers: Record<ModerationJob, (job: Job<ModerationJobData>) => Promise<ModerationOutcome>> = {
    [ModerationJob.RunBatch]: (job) => this.runBatch(job as Job<BatchJobData>),
    [ModerationJob.UndoBatch]: (job) => this.undoBatch(job as Job<BatchJobData>),
    [ModerationJob.EndSuspension]: (job) => this.endSuspension(job as Job<EndSuspensionData>),
  };

  constructor(
    private readonly aggregates: Aggregates,
    private readonly backlog: ModerationBacklog,
    private readonly replies: CommenterReplyList,
    private readonly queues: QueueReader,
    @Inject(MONGO_DB) private readonly db: mongo.Db,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const missing = Object.values(ModerationJob).filter((name) => typeof this.handlers[name] !== 'function');
    if (missing.length) throw new Error(`no handler for moderation jobs: ${missing.join(', ')}`);
  }

  async process(job: Job<ModerationJobData>): Promise<ModerationOutcome> {
    const handler = this.handlers[job.name as ModerationJob];
    if (!handler) throw new Error(`unknown moderation job ${job.name}`);
    const outcome = await handler(job);
    await this.backlog.done(backlogIdOf(job));
    return outcome;
  }

  /** Redis comes and goes; the dispatcher and the sweeper make up for it. */
  @OnWorkerEvent('error')
  onError(): void {}

  private async runBatch(job: Job<BatchJobData>): Promise<ModerationOutcome> {
    if (job.data.rejectAllOf) await this.ensureRejectAll(job.data);
    const record = await BatchRecord.load(this.aggregates, job.data.batchId);
    if (record.batch.state !== 'running') return { outcome: 'nothing to do', detail: `the batch is ${record.batch.state}` };
    const moderator = record.requestedBy;
    const { selection } = record.batch;
    const ids = 'commenterId' in selection ? await this.repliesOf(selection.commenterId, job.data.position) : (record.batch.replyIds ?? []);
    const todo = ids.filter((id) => !record.batch.ranOn(id));
    for (let i = 0; i < todo.length; i += BATCH_CHUNK) {
      const outcomes = { changed: [] as string[], unchanged: [] as { replyId: string; status: ReplyStatus }[], failed: [] as { replyId: string; error: string }[] };
      for (const replyId of todo.slice(i, i + BATCH_CHUNK)) {
        const o = await this.decide(replyId, record.batch, moderator);
        if (o.kind === 'changed') outcomes.changed.push(replyId);
        else if (o.kind === 'unchanged') outcomes.unchanged.push({ replyId, status: o.status });
        else outcomes.failed.push({ replyId, error: o.error });
      }
      await record.change(moderator, (b) => b.progress(outcomes));
      // Another run finished or the batch moved on: this run stops deciding.
      if (record.batch.state !== 'running') return { outcome: 'nothing to do', detail: `the batch is ${record.batch.state}` };
      await this.heartbeat(job);
      await job.updateProgress({ done: record.batch.changed.size + record.batch.unchanged.size + record.batch.failed.size, total: ids.length });
    }
    await record.change(moderator, (b) => b.complete(this.clock()));
    return { outcome: 'done', detail: `${ids.length} replies` };
  }

  /** A long job tells the sweeper it is alive, so no second run starts beside it. */
  private async heartbeat(job: Job): Promise<void> {
    await this.backlog.redispatched(backlogIdOf(job), this.clock()).catch(() => undefined);
  }

  /** One reply: decided by this batch (now or on an earlier try), left as it was, or refused. */
  private async decide(replyId: string, batch: ModerationBatch, moderator: Actor): Promise<{ kind: 'changed' } | { kind: 'unchanged'; status: ReplyStatus } | { kind: 'failed'; error: string }> {
    for (let attempt = 0; ; attempt++) {
      let loaded;
      try {
        loaded = await this.aggregates.reply(replyId);
      } catch (error) {
        if (error instanceof NotFoundError) return { kind: 'failed', error: 'no such reply' };
        throw error;
      }
      const { reply, stream } = loaded;
      if (reply.lastBatch?.batchId === batch.id) return { kind: 'changed' };
      // A moderator decided after the request (or in its very millisecond): the batch never overwrites what its author had not seen.
      if (reply.lastDecidedAt !== null && reply.lastDecidedAt >= batch.requestedAt) return { kind: 'unchanged', status: reply.status };
      if ('commenterId' in batch.selection && reply.author.id !== batch.selection.commenterId) return { kind: 'failed', error: 'not by this commenter' };
      const { action, seenVersion } = batch.decisionOn(replyId);
      // A decision worked out from the reply as it was (a what-if) is taken only on that reply:
      // a verdict, an edit or a retraction since then was not seen by whoever asked.
      if (seenVersion !== null && reply.changedVersion !== seenVersion) return { kind: 'unchanged', status: reply.status };
      // Approving a published reply answers readers' reports, as a moderator's own approval does.
      const reported = action === 'approve' && reply.status === 'published' && (await this.queues.reported(replyId));
      if (reply.status === 'retracted' || reply.status === 'removed' || (reply.status === STATUS_AFTER[action] && !reported)) return { kind: 'unchanged', status: reply.status };
      try {
        reply.moderate(action, batch.reason, this.clock(), batch.id, reported);
      } catch (error) {
        if (error instanceof DomainError) return { kind: 'failed', error: error.message };
        throw error;
      }
      try {
        await this.aggregates.store.append(stream, reply.pullEvents(), { actor: moderator, correlationId: batch.id, causationId: `${ModerationBatch.streamId(batch.id)}:1` });
        return { kind: 'changed' };
      } catch (error) {
        if (!(error instanceof StreamConflictError) || attempt >= 5) throw error;
      }
    }
  }

  private async undoBatch(job: Job<BatchJobData>): Promise<ModerationOutcome> {
    const record = await BatchRecord.load(this.aggregates, job.data.batchId);
    if (record.batch.state !== 'undoing') return { outcome: 'nothing to do', detail: `the batch is ${record.batch.state}` };
    const undoer = record.undoneBy;
    const todo = [...record.batch.changed].filter((id) => !record.batch.undoneOn(id));
    for (let i = 0; i < todo.length; i += BATCH_CHUNK) {
      const outcomes = { restored: [] as string[], changedSince: [] as { replyId: string; status: ReplyStatus | null; why: string }[] };
      for (const replyId of todo.slice(i, i + BATCH_CHUNK)) {
        const o = await this.restore(replyId, record.batch.id, undoer);
        if (o === null) outcomes.restored.push(replyId);
        else outcomes.changedSince.push({ replyId, ...o });
      }
      await record.change(undoer, (b) => b.undoProgress(outcomes));
      if (record.batch.state !== 'undoing') return { outcome: 'nothing to do', detail: `the batch is ${record.batch.state}` };
      await this.heartbeat(job);
      await job.updateProgress({ done: record.batch.restored.size + record.batch.changedSince.size, total: record.batch.changed.size });
    }
    await record.change(undoer, (b) => b.completeUndo(this.clock()));
    return { outcome: 'done', detail: `${todo.length} replies` };
  }

  /** Null when restored (now or on an earlier try); otherwise why it was left as it is. */
  private async restore(replyId: string, batchId: string, undoer: Actor): Promise<{ status: ReplyStatus | null; why: string } | null> {
    for (let attempt = 0; ; attempt++) {
      const { reply, stream } = await this.aggregates.reply(replyId);
      if (reply.lastBatch?.batchId === batchId && reply.lastBatch.restored) return null;
      try {
        reply.restoreAfter(batchId, this.clock());
      } catch (error) {
        if (error instanceof DomainError) return { status: reply.status, why: error.message };
        throw error;
      }
      try {
        await this.aggregates.store.append(stream, reply.pullEvents(), { actor: undoer, correlationId: batchId, causationId: null });
        return null;
      } catch (error) {
        if (!(error instanceof StreamConflictError) || attempt >= 5) throw error;
      }
    }
  }

  private async endSuspension(job: Job<EndSuspensionData>): Promise<ModerationOutcome> {
    const { commenterId, until } = job.data;
    if (this.clock().getTime() < Date.parse(until)) throw new Error(`the suspension of ${commenterId} ends at ${until}`);
    for (let attempt = 0; ; attempt++) {
      const { commenter, stream } = await this.aggregates.commenter(commenterId);
      commenter.endSuspension(until, this.clock());
      const events = commenter.pullEvents();
      if (events.length === 0) return { outcome: 'nothing to do', detail: 'the suspension was replaced or already ended' };
      try {
        await this.aggregates.store.append(stream, events, { actor: SUSPENSIONS, correlationId: randomUUID(), causationId: null });
        return { outcome: 'done' };
      } catch (error) {
        if (!(error instanceof StreamConflictError) || attempt >= 5) throw error;
      }
    }
  }

  /** A ban with reject-all whose batch the API did not get to record: recorded here, once. */
  private async ensureRejectAll({ batchId, rejectAllOf }: BatchJobData): Promise<void> {
    const stream = await this.aggregates.store.load(ModerationBatch.streamId(batchId));
    if (realEvents(stream.events).length > 0 || !rejectAllOf) return;
    // The whole stream, not from a snapshot: the ban may be older than the last snapshot.
    const commenterStream = await this.aggregates.store.load<CommenterEvent>(Commenter.streamId(rejectAllOf.commenterId));
    const ban = commenterStream.events.find((e) => e.event.type === 'commenter.standing-changed' && e.event.data.rejectAllBatchId === batchId);
    if (!ban) throw new Error(`no ban in ${Commenter.streamId(rejectAllOf.commenterId)} names batch ${batchId}`);
    const batch = ModerationBatch.request({ batchId, action: 'reject', reason: rejectAllOf.reason, selection: { commenterId: rejectAllOf.commenterId } }, new Date(ban.recordedAt));
    // False when the API recorded it meanwhile: the same batch.
    await createStream(this.aggregates.store, ModerationBatch.streamId(batchId), batch.pullEvents(), { actor: ban.metadata.actor, correlationId: batchId, causationId: ban.commitId });
  }

  /** Every reply of the commenter, once the ledger has read past the ban. */
  private async repliesOf(commenterId: string, position: number): Promise<string[]> {
    const checkpoint = await this.db.collection<CheckpointDocument>(EventStoreCollections.checkpoints).findOne({ _id: COMMENTER_LEDGER });
    if ((checkpoint?.position ?? 0) < position) throw new LedgerBehindError(`the commenter ledger is at ${checkpoint?.position ?? 0}, before the ban at ${position}`);
    return this.replies.of(commenterId);
  }
}

/**
 * A batch's stream held by one job run: appended at the version it knows, reloaded only when
 * another run appended first (so a batch of thousands costs one append per chunk, not a reload).
 */
class BatchRecord {
  private constructor(
    private readonly aggregates: Aggregates,
    readonly batch: ModerationBatch,
    private stream: Pick<LoadedStream<BatchEvent>, 'streamId' | 'version' | 'head'>,
    readonly requestedBy: Actor,
    readonly undoneBy: Actor,
  ) {}

  static async load(aggregates: Aggregates, batchId: string): Promise<BatchRecord> {
    const { batch, stream } = await aggregates.batch(batchId);
    const requestedBy = realEvents(stream.events)[0].metadata.actor as Actor;
    const undoneBy = (stream.events.find((e) => e.event.type === 'batch.undo-requested')?.metadata.actor ?? requestedBy) as Actor;
    return new BatchRecord(aggregates, batch, stream, requestedBy, undoneBy);
  }

  async change(actor: Actor, change: (batch: ModerationBatch) => void): Promise<void> {
    let current: BatchRecord = this;
    for (let attempt = 0; ; attempt++) {
      change(current.batch);
      const events = current.batch.pullEvents();
      if (events.length === 0) break;
      try {
        const { commitId, version } = await this.aggregates.store.append(current.stream, events, { actor, correlationId: current.batch.id, causationId: null });
        current.stream = { streamId: current.stream.streamId, version, head: commitId };
        break;
      } catch (error) {
        if (!(error instanceof StreamConflictError) || attempt >= 5) throw error;
        current = await BatchRecord.load(this.aggregates, this.batch.id);
      }
    }
    if (current !== this) this.adopt(current);
  }

  private adopt(other: BatchRecord): void {
    (this as { batch: ModerationBatch }).batch = other.batch;
    this.stream = other.stream;
  }
}

/** A swept job carries its round in its id; the backlog knows it by the first. */
export const backlogIdOf = (job: Job): string => (job.id ?? '').replace(/-r\d+$/, '');
