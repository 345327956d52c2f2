export * from './screening-jobs';
export * from './screening-dispatcher';
export * from './screening-signals';
export * from './scorer';
export * from './spam.processor';
export * from './screening.module';
export * from './screening-backlog';
export * from './screening-sweeper';
