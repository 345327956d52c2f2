import { Article, InvalidCommandError, Reply } from '@app/domain';
import { commitId, StreamConflictError } from '@app/event-store';
import { Clock, CLOCK, GuestIdentity } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { idempotentReplyId, newReplyId } from '../../shared/ids';
import { metadataFor } from '../../shared/request-context';
import { Aggregates } from '../../shared/streams';
import { SubmitReplyCommand, SubmittedReply } from './submit-reply.command';

@CommandHandler(SubmitReplyCommand)
export class SubmitReplyHandler implements ICommandHandler<SubmitReplyCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly guests: GuestIdentity,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: SubmitReplyCommand): Promise<SubmittedReply> {
    const { articleId, body, parentId, author, idempotencyKey } = command;
    const { article } = await this.aggregates.article(articleId);
    const parent = parentId ? (await this.aggregates.reply(parentId)).reply : undefined;
    const replyId = idempotencyKey
      ? idempotentReplyId(articleId, author.kind, author.id, idempotencyKey)
      : newReplyId();
    const reply = Reply.submit({ replyId, article, parent, author, body }, this.clock());
    try {
      // The log must hold the article and the parent before the reply, whatever markers are lost.
      const dependsOn = [commitId(Article.streamId(articleId), 1), ...(parent ? [commitId(Reply.streamId(parent.id), 1)] : [])];
      await this.aggregates.store.append({ streamId: Reply.streamId(replyId), version: 0, head: null }, reply.pullEvents(), metadataFor(author), { dependsOn });
    } catch (error) {
      if (!(error instanceof StreamConflictError) || !idempotencyKey) throw error;
      return this.firstAnswer(replyId, command);
    }
    return this.answer(reply);
  }

  /** The retry of a request that already succeeded gets the same answer. */
  private async firstAnswer(replyId: string, command: SubmitReplyCommand): Promise<SubmittedReply> {
    const { reply } = await this.aggregates.reply(replyId);
    const same = reply.parentId === (command.parentId ?? null) && reply.isAuthoredBy(command.author);
    if (!same) throw new InvalidCommandError('this Idempotency-Key was used for another request', 'Idempotency-Key');
    return this.answer(reply);
  }

  private answer(reply: Reply): SubmittedReply {
    return {
      replyId: reply.id,
      status: reply.status === 'pending' ? 'pending' : 'published',
      ...(reply.author.kind === 'guest' ? { editToken: this.guests.editToken(reply.id) } : {}),
    };
  }
}
