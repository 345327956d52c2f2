import { Aggregates, Clock, CLOCK, ProblemException } from '@app/platform';
import { QueueReader } from '@app/read-models';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { ModeratedReply, ModerateReplyCommand } from './moderate-reply.command';

@CommandHandler(ModerateReplyCommand)
export class ModerateReplyHandler implements ICommandHandler<ModerateReplyCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly queues: QueueReader,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ replyId, action, moderator, seenVersion, reason, batchId }: ModerateReplyCommand): Promise<ModeratedReply> {
    const { reply, stream } = await this.aggregates.reply(replyId);
    // Never over a change the moderator has not seen: another's decision, a verdict, an edit.
    if (stream.version !== seenVersion) throw new ProblemException(412, `the reply changed since you saw it (now version ${stream.version}); look again`);
    const now = this.clock();
    if (action === 'feature' || action === 'unfeature') reply.feature(action === 'feature', now);
    else {
      // Flags are the readers' own streams: whether they reported it, the reported queue says
      // (the moderator found it there, so that view has the flags they answer).
      const reported = action === 'approve' && reply.status === 'published' && (await this.queues.reported(replyId));
      reply.moderate(action, reason, now, batchId, reported);
    }
    const events = reply.pullEvents();
    let version = stream.version;
    if (events.length > 0) {
      version = (await this.aggregates.store.append(stream, events, { actor: moderator, correlationId: randomUUID(), causationId: null })).version;
    }
    return { id: replyId, status: reply.status, featured: reply.featured, version };
  }
}
