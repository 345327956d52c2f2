import { Clock, CLOCK, CommenterDirectory, GuestIdentity, ProblemException } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { metadataFor, retryOverVerdicts, seesCurrentText } from '../../shared/request-context';
import { StreamConflictError } from '@app/event-store';
import { Aggregates } from '@app/platform';
import { EditReplyCommand } from './edit-reply.command';
import { authorActor } from '../../shared/requester';

@CommandHandler(EditReplyCommand)
export class EditReplyHandler implements ICommandHandler<EditReplyCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly guests: GuestIdentity,
    private readonly commenters: CommenterDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ replyId, body, requester, ifMatch }: EditReplyCommand) {
    let textSeen: number | null = null;
    return retryOverVerdicts(async () => {
      const { reply, stream } = await this.aggregates.reply(replyId);
      textSeen ??= reply.textVersion;
      // Another edit won the race: the author must see it first (409). A verdict or a
      // decision meanwhile changed no text: this edit simply goes on top.
      if (reply.textVersion !== textSeen) throw new StreamConflictError(stream.streamId, stream.version);
      const actor = await authorActor(reply, requester, this.guests, this.commenters);
      if (!seesCurrentText(ifMatch, reply.textVersion, stream.version)) throw new ProblemException(412, 'the reply changed since it was read; load it again');
      const { article } = await this.aggregates.article(reply.articleId);
      reply.edit(actor, body, this.clock(), article);
      const events = reply.pullEvents();
      if (events.length === 0) return { version: stream.version };
      return this.aggregates.store.append(stream, events, metadataFor(actor));
    });
  }
}
