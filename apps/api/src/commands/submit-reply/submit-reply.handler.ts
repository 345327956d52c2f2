import { Actor, Reply, ReplyEvent, RuleViolationError } from '@app/domain';
import { commitId, LoadedStream, PersonalDataKeyMissingError, realEvents, StoredEvent, StreamConflictError } from '@app/event-store';
import { AppConfig, Clock, CLOCK, CommenterDirectory, GuestIdentity, NetworkData } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { idempotentReplyId, newReplyId } from '../../shared/ids';
import { metadataFor } from '../../shared/request-context';
import { Aggregates } from '@app/platform';
import { isStrongKey } from './idempotency-key';
import { SubmitReplyCommand, SubmittedReply } from './submit-reply.command';

@CommandHandler(SubmitReplyCommand)
export class SubmitReplyHandler implements ICommandHandler<SubmitReplyCommand> {
  constructor(
    private readonly aggregates: Aggregates,
    private readonly guests: GuestIdentity,
    private readonly commenters: CommenterDirectory,
    private readonly config: AppConfig,
    private readonly network: NetworkData,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute(command: SubmitReplyCommand): Promise<SubmittedReply> {
    const { articleId, body, parentId, author, idempotencyKey, honeypot } = command;
    const replyId = idempotencyKey
      ? idempotentReplyId(this.config.HASH_KEY, articleId, author.kind, author.id, idempotencyKey)
      : newReplyId();
    // A new stream; or, for a retry whose first try was abandoned half-way, after the versions
    // the sequencer filled (decision 0037).
    let expected: Pick<LoadedStream, 'streamId' | 'version' | 'head'> = { streamId: Reply.streamId(replyId), version: 0, head: null };
    // A retry gets the first answer even if the article closed or the parent went since.
    if (idempotencyKey) {
      const earlier = await this.earlierSubmission(replyId);
      if (earlier.submitted) return this.firstAnswer(earlier.submitted, command);
      expected = earlier.stream;
    }
    const { article, stream: articleStream } = await this.aggregates.article(articleId);
    const parent = parentId ? await this.aggregates.reply(parentId) : undefined;
    // Checked before enrolling, so a refused reply issues no key; the log knows them only by commenter id.
    Reply.submit({ replyId, article, parent: parent?.reply, author, body, honeypot }, this.clock());
    // The log must hold the article and the parent, as this request saw them, before the reply.
    const dependsOn = [articleStream.head!, ...(parent ? [parent.stream.head!] : [])];
    for (let attempt = 0; ; attempt++) {
      const submission = commitId(Reply.streamId(replyId), expected.version + 1);
      // Before the commit, so screening finds it (best effort, bounded; a refused append leaves
      // a record that only expires).
      await this.network.record(submission, command.client);
      const commenter: Actor = { ...author, id: await this.commenters.enrol(author) };
      // Banned, suspended, on premod or trusted: decided by moderators, in the commenter's stream.
      const { commenter: standing } = await this.aggregates.commenter(commenter.id);
      standing.assertMayReply(this.clock());
      const reply = Reply.submit({ replyId, article, parent: parent?.reply, author: commenter, body, honeypot, standing: standing.standingAt(this.clock()) }, this.clock());
      try {
        await this.aggregates.store.append(expected, reply.pullEvents(), metadataFor(commenter), { dependsOn });
        return this.answer(reply, true);
      } catch (error) {
        // Erased a moment ago (the news of it still on its way here): they come back as a new commenter.
        if (error instanceof PersonalDataKeyMissingError && attempt === 0) {
          this.commenters.erased(error.keyId);
          continue;
        }
        if (!(error instanceof StreamConflictError) || !idempotencyKey || attempt >= 2) throw error;
        // Two tries of one request raced, and the other stored it; or the sequencer filled this
        // version because this try was too slow: then once more, after it.
        const earlier = await this.earlierSubmission(replyId);
        if (earlier.submitted) return this.firstAnswer(earlier.submitted, command);
        expected = earlier.stream;
      }
    }
  }

  /** The whole stream, not a snapshot: the comparison needs the submission as it was sent. */
  private async earlierSubmission(replyId: string): Promise<{ stream: LoadedStream<ReplyEvent>; submitted: StoredEvent<ReplyEvent>[] | null }> {
    const stream = await this.aggregates.store.load<ReplyEvent>(Reply.streamId(replyId));
    const events = realEvents(stream.events);
    return { stream, submitted: events.length > 0 ? events : null };
  }

  /**
   * The retry of a request that already succeeded gets the same answer; the same key with
   * another request (body, parent or author) is refused. A guest's edit token comes back
   * only for a key nobody else could guess.
   */
  private async firstAnswer(events: StoredEvent<ReplyEvent>[], command: SubmitReplyCommand): Promise<SubmittedReply> {
    const reply = new Reply().rehydrate(events.map((e) => e.event));
    const submitted = events[0].event;
    if (submitted.type !== 'reply.submitted') throw new Error(`reply stream ${reply.id} does not start with its submission`);
    const { data } = submitted;
    const same =
      data.parentId === (command.parentId ?? null) &&
      reply.isAuthoredBy(await this.commenters.asCommenter(command.author)) &&
      (command.author.kind !== 'guest' || data.author.name === command.author.name) &&
      data.body === Reply.checkBody(command.body);
    if (!same) throw new RuleViolationError('this Idempotency-Key was used for another request; send a new key for a new reply', 'Idempotency-Key');
    return this.answer(reply, isStrongKey(command.idempotencyKey!));
  }

  private answer(reply: Reply, withEditToken: boolean): SubmittedReply {
    return {
      replyId: reply.id,
      status: reply.status === 'pending' ? 'pending' : 'checking',
      ...(reply.author.kind === 'guest' && withEditToken ? { editToken: this.guests.editToken(reply.id) } : {}),
    };
  }
}
