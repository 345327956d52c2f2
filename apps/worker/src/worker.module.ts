import { DEFAULT_CONSUMER_OPTIONS, LEASES, Leases, LOG_READER, LOG_WAKER, LogConsumer, LogReader, LogWaker, Sequencer, SequencerRunner } from '@app/event-store';
import { AppConfig, Clock, CLOCK, MONGO_DB, platformModules } from '@app/platform';
import { liveProjections, ProjectionRunner, ViewNames } from '@app/read-models';
import { Logger, Module } from '@nestjs/common';
import type { mongo } from 'mongoose';
import { LogWorkerService } from './log-worker.service';
import { LOG_CONSUMERS, SEQUENCER_RUNNER } from './projectors';

const workerProviders = [
  {
    provide: SEQUENCER_RUNNER,
    inject: [MONGO_DB, LEASES, LOG_WAKER, AppConfig, CLOCK],
    useFactory: (db: mongo.Db, leases: Leases, waker: LogWaker, config: AppConfig, clock: Clock) =>
      new SequencerRunner(new Sequencer(db, { batchSize: 500, sweepGraceMs: config.SWEEP_GRACE_MS }, clock), leases, waker, config.leaseTiming, (n) =>
        new Logger('sequencer').warn(`${n} commits wait in the inbox for a commit they depend on that cannot be found`),
      ),
  },
  {
    provide: LOG_CONSUMERS,
    inject: [MONGO_DB, LOG_READER, LEASES, AppConfig],
    useFactory: (db: mongo.Db, reader: LogReader, leases: Leases, config: AppConfig) => {
      const projections = liveProjections();
      const names = ViewNames.of(projections);
      return projections.map(
        (p) => new LogConsumer(db, reader, leases, new ProjectionRunner(db, p, names), { ...DEFAULT_CONSUMER_OPTIONS, timing: config.leaseTiming }),
      );
    },
  },
  LogWorkerService,
];

@Module({ imports: [...platformModules], providers: workerProviders, exports: [LogWorkerService] })
export class WorkerModule {}
