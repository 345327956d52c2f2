import { getQueueToken } from '@nestjs/bullmq';
import { ScreeningBacklog, ScreeningDispatcher, ScreeningModule, SPAM_QUEUE } from '@app/screening';
import { Queue } from 'bullmq';
import { CommenterLedger } from '@app/data-rights';
import { DEFAULT_CONSUMER_OPTIONS, EVENT_STORE, EventStore, LEASES, Leases, LOG_READER, LOG_WAKER, LogConsumer, LogHandler, LogReader, LogWaker, Sequencer, SequencerRunner } from '@app/event-store';
import { AppConfig, Clock, CLOCK, CommenterDirectory, LoggingModule, MemoryReleaseModule, MONGO_DB, NetworkData, platformModules, REDIS, WorkCounters, WorkerMetricsServer } from '@app/platform';
import { liveProjections, Projection, ProjectionRunner, ReadModelsModule, viewChangePublisher, ViewNames } from '@app/read-models';
import type Redis from 'ioredis';
import { LiveProjector, RunningConsumer } from './live-projector';
import { Logger, Module } from '@nestjs/common';
import { MODERATION_QUEUE, ModerationBacklog, ModerationJobsDispatcher, ModerationJobsModule } from '@app/moderator-actions';
import type { mongo } from 'mongoose';
import { AutoCloseSweeper } from './auto-close-sweeper';
import { AdminJobsProcessor } from './admin-jobs.processor';
import { BullModule } from '@nestjs/bullmq';
import { ADMIN_QUEUE } from '@app/platform';
import { LogWorkerService } from './log-worker.service';
import { LOG_CONSUMERS, SEQUENCER_RUNNER } from './projectors';

const workerProviders = [
  {
    provide: SEQUENCER_RUNNER,
    inject: [MONGO_DB, LEASES, LOG_WAKER, AppConfig, CLOCK, WorkCounters],
    useFactory: (db: mongo.Db, leases: Leases, waker: LogWaker, config: AppConfig, clock: Clock, counters: WorkCounters) =>
      new SequencerRunner(new Sequencer(db, { batchSize: 500, markerGraceMs: config.MARKER_GRACE_MS }, clock), leases, waker, config.leaseTiming, {
        deferred: (n) => new Logger('sequencer').warn(`${n} commits wait in the inbox for a commit they depend on that cannot be found`),
        sequenced: (n) => counters.sequenced.inc(n),
      }),
  },
  {
    provide: LOG_CONSUMERS,
    inject: [MONGO_DB, LOG_READER, LEASES, AppConfig, EVENT_STORE, CommenterDirectory, NetworkData, CLOCK, getQueueToken(SPAM_QUEUE), ScreeningBacklog, getQueueToken(MODERATION_QUEUE), ModerationBacklog, ViewNames, REDIS],
    useFactory: (db: mongo.Db, reader: LogReader, leases: Leases, config: AppConfig, store: EventStore, commenters: CommenterDirectory, network: NetworkData, clock: Clock, spam: Queue, backlog: ScreeningBacklog, moderation: Queue, moderationBacklog: ModerationBacklog, names: ViewNames, redis: Redis): RunningConsumer[] => {
      // An idle poll skips the store for up to 30 poll intervals (30 s in production) after a full look.
      const options = { ...DEFAULT_CONSUMER_OPTIONS, timing: config.leaseTiming, quietPollMs: 30 * config.POLL_INTERVAL_MS };
      const consumer = (handler: LogHandler) => new LogConsumer(db, reader, leases, handler, options);
      // Views: each follows its alias, so a rebuild flipped live takes over from the old generation.
      // The thread's writers announce what they wrote: the API's cache of thread documents drops it.
      const notify = viewChangePublisher(redis, config.QUEUE_PREFIX);
      const runner = (p: Projection, at: ViewNames) => {
        const r = new ProjectionRunner(db, p, at);
        if (p.name === 'thread') r.notify = notify;
        return r;
      };
      const views = liveProjections().map((p) => new LiveProjector(p, names, (at) => consumer(runner(p, at))));
      // Side effects: resumed from their checkpoints, never rebuilt (a replay would fire them again).
      const ledger = new CommenterLedger(db, store, { forgetCommenter: (id) => commenters.forget(id), forgetNetworkData: async (ids) => void (await network.forget(ids)) }, clock);
      const sideEffects = [ledger, new ScreeningDispatcher(spam, backlog, clock), new ModerationJobsDispatcher(moderation, moderationBacklog, clock)];
      return [...views, ...sideEffects.map(consumer)];
    },
  },
  LogWorkerService,
  AutoCloseSweeper,
  AdminJobsProcessor,
  WorkerMetricsServer,
];

@Module({ imports: [...platformModules, LoggingModule, MemoryReleaseModule, ReadModelsModule, ScreeningModule, ModerationJobsModule, BullModule.registerQueue({ name: ADMIN_QUEUE })], providers: workerProviders, exports: [LogWorkerService, AutoCloseSweeper] })
export class WorkerModule {}
