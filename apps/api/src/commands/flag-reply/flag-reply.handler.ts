import { Flag, FlagEvent, RuleViolationError } from '@app/domain';
import { StreamConflictError } from '@app/event-store';
import { Aggregates, Clock, CLOCK, CommenterDirectory, PolicyInForce } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { metadataFor } from '../../shared/request-context';
import { FlagReplyCommand } from './flag-reply.command';

@CommandHandler(FlagReplyCommand)
export class FlagReplyHandler implements ICommandHandler<FlagReplyCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly commenters: CommenterDirectory,
    private readonly policies: PolicyInForce,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ replyId, flagger, reason, note }: FlagReplyCommand) {
    const { reply, stream: replyStream } = await this.aggregates.reply(replyId);
    // The note is theirs, sealed with their key: a flagger is a commenter like any author.
    const commenter = { ...flagger, id: await this.commenters.enrol(flagger) };
    const streamId = Flag.streamId(replyId, commenter.id);
    const policy = await this.policies.current();
    for (let attempt = 0; ; attempt++) {
      const stream = await this.aggregates.store.load<FlagEvent>(streamId);
      const flag = new Flag().rehydrate(stream.events.map((e) => e.event));
      // The flag carries the rules it is counted by, so a rebuild reports and hides as they did.
      flag.raise(reply, commenter, reason, note, this.clock(), { version: policy.version, flagThreshold: policy.flags.threshold, hideAtThreshold: policy.flags.hideAtThreshold });
      try {
        // The first insert is the one flag per reader; the reply as they saw it comes first in the log.
        await this.aggregates.store.append(stream, flag.pullEvents(), metadataFor(commenter), { dependsOn: [replyStream.head!] });
        break;
      } catch (error) {
        if (!(error instanceof StreamConflictError)) throw error;
        // Another request of theirs flagged it; or this one was too slow and its version was
        // filled as abandoned (decision 0037): then once more, after it (raise refuses a second flag).
        if (attempt >= 2) throw new RuleViolationError('you have flagged this reply already');
      }
    }
    return { replyId, reason };
  }
}
