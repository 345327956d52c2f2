import { Reaction, ReactionEvent } from '@app/domain';
import { StreamConflictError } from '@app/event-store';
import { Aggregates, Clock, CLOCK, CommenterDirectory } from '@app/platform';
import { ConflictException, Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { metadataFor } from '../../shared/request-context';
import { ReactToReplyCommand } from './react-to-reply.command';

/** Tries at the reader's stream: a conflict means their other request got there first; reload once. */
const TRIES = 2;

@CommandHandler(ReactToReplyCommand)
export class ReactToReplyHandler implements ICommandHandler<ReactToReplyCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly commenters: CommenterDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ replyId, reader, type, on }: ReactToReplyCommand) {
    const { reply, stream: replyStream } = await this.aggregates.reply(replyId);
    const commenter = { ...reader, id: await this.commenters.enrol(reader) };
    const streamId = Reaction.streamId(replyId, commenter.id);
    for (let attempt = 1; ; attempt++) {
      const stream = await this.aggregates.store.load<ReactionEvent>(streamId);
      const reaction = new Reaction().rehydrate(stream.events.map((e) => e.event));
      const recorded = on ? reaction.react(reply, commenter, type, this.clock()) : reaction.unreact(reply, commenter, type, this.clock());
      if (!recorded) return { replyId, type, reacted: on, recorded: false };
      try {
        // The stream version is the guard: one of two racing requests inserts, the other reloads
        // and finds it done. The reply's submission comes first in the log.
        await this.aggregates.store.append(stream, reaction.pullEvents(), metadataFor(commenter), { dependsOn: [replyStream.head!] });
        return { replyId, type, reacted: on, recorded: true };
      } catch (error) {
        if (!(error instanceof StreamConflictError)) throw error;
        if (attempt >= TRIES) throw new ConflictException('your reactions on this reply changed meanwhile; try again');
      }
    }
  }
}
