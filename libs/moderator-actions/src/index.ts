export * from './moderate-reply/moderate-reply.command';
export * from './moderator-actions.module';
export * from './jobs/moderation-jobs';
export * from './jobs/moderation-backlog';
export * from './jobs/moderation-jobs.dispatcher';
export * from './jobs/moderation-jobs.module';
