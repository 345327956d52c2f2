export * from './moderate-reply/moderate-reply.command';
export * from './moderator-actions.module';
