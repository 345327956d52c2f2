import { Clock, CLOCK, CommenterDirectory, GuestIdentity, ProblemException } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { metadataFor, retryOverVerdicts, seesCurrentText } from '../../shared/request-context';
import { Aggregates } from '@app/platform';
import { authorActor } from '../../shared/requester';
import { RetractReplyCommand } from './retract-reply.command';

@CommandHandler(RetractReplyCommand)
export class RetractReplyHandler implements ICommandHandler<RetractReplyCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly guests: GuestIdentity,
    private readonly commenters: CommenterDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ replyId, requester, ifMatch }: RetractReplyCommand) {
    // A verdict or a decision landing meanwhile is no reason to refuse: try again on top of it.
    return retryOverVerdicts(async () => {
      const { reply, stream } = await this.aggregates.reply(replyId);
      const actor = await authorActor(reply, requester, this.guests, this.commenters);
      if (!seesCurrentText(ifMatch, reply.textVersion, stream.version)) throw new ProblemException(412, 'the reply changed since it was read; load it again');
      const { article } = await this.aggregates.article(reply.articleId);
      reply.retract(actor, this.clock(), article);
      return this.aggregates.store.append(stream, reply.pullEvents(), metadataFor(actor));
    });
  }
}
