import { LEASES, Leases, LOG_READER, LOG_WAKER, LogConsumer, LogReader, LogWaker, Sequencer, SequencerRunner } from '@app/event-store';
import { AppConfig, Clock, CLOCK, MONGO_DB, platformModules } from '@app/platform';
import { ProjectionRunner } from '@app/read-models';
import { Module } from '@nestjs/common';
import type { mongo } from 'mongoose';
import { LogWorkerService } from './log-worker.service';
import { liveProjections, LOG_CONSUMERS, SEQUENCER_RUNNER } from './projectors';

const workerProviders = [
  {
    provide: SEQUENCER_RUNNER,
    inject: [MONGO_DB, LEASES, LOG_WAKER, AppConfig, CLOCK],
    useFactory: (db: mongo.Db, leases: Leases, waker: LogWaker, config: AppConfig, clock: Clock) =>
      new SequencerRunner(new Sequencer(db, { batchSize: 500, sweepGraceMs: config.SWEEP_GRACE_MS }, clock), leases, waker),
  },
  {
    provide: LOG_CONSUMERS,
    inject: [MONGO_DB, LOG_READER, LEASES],
    useFactory: (db: mongo.Db, reader: LogReader, leases: Leases) =>
      liveProjections().map((p) => new LogConsumer(db, reader, leases, new ProjectionRunner(db, p))),
  },
  LogWorkerService,
];

@Module({ imports: [...platformModules], providers: workerProviders, exports: [LogWorkerService] })
export class WorkerModule {}
