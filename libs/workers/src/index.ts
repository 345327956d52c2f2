export * from './worker.module';
export * from './log-worker.service';
export * from './projectors';
export * from './auto-close-sweeper';
export * from './live-projector';
