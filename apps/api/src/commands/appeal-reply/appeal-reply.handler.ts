import { Aggregates, Clock, CLOCK, CommenterDirectory, GuestIdentity } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { metadataFor, retryOverVerdicts } from '../../shared/request-context';
import { authorActor } from '../../shared/requester';
import { AppealReplyCommand } from './appeal-reply.command';

@CommandHandler(AppealReplyCommand)
export class AppealReplyHandler implements ICommandHandler<AppealReplyCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly guests: GuestIdentity,
    private readonly commenters: CommenterDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ replyId, requester, note }: AppealReplyCommand) {
    // The appeal answers whatever stands when it lands: a decision meanwhile is re-read, and
    // the domain says whether the reply can still be appealed.
    return retryOverVerdicts(async () => {
      const { reply, stream } = await this.aggregates.reply(replyId);
      const actor = await authorActor(reply, requester, this.guests, this.commenters);
      reply.appealBy(actor, note, this.clock());
      const { version } = await this.aggregates.store.append(stream, reply.pullEvents(), metadataFor(actor));
      return { id: replyId, status: reply.status, appeal: 'open' as const, version };
    });
  }
}
