import { Commenter, NotFoundError } from '@app/domain';
import { DATA_KEYS, DataKeys, EVENT_STORE, EventStore, StreamConflictError } from '@app/event-store';
import { Clock, CLOCK, CommenterDirectory } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { randomUUID } from 'node:crypto';
import { loadCommenter } from '../shared/streams';
import { EraseCommenterCommand, Erasure } from './erase-commenter.command';

@CommandHandler(EraseCommenterCommand)
export class EraseCommenterHandler implements ICommandHandler<EraseCommenterCommand> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(DATA_KEYS) private readonly keys: DataKeys,
    private readonly commenters: CommenterDirectory,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /**
   * The event first, then the key: a crash between the two leaves an erasure on record that
   * the commenter ledger finishes. A repeated request finds it recorded and only finishes it.
   */
  async execute({ commenterId, requestedBy, actor, reason }: EraseCommenterCommand): Promise<Erasure> {
    for (let attempt = 0; ; attempt++) {
      const { commenter, stream } = await loadCommenter(this.store, commenterId);
      if (!commenter.erased && stream.version === 0 && !(await this.keys.get(commenterId))) {
        throw new NotFoundError(`commenter ${commenterId} not found`);
      }
      commenter.erase({ requestedBy, reason }, this.clock());
      const events = commenter.pullEvents();
      try {
        if (events.length > 0) {
          const metadata = { actor: requestedBy === 'commenter' ? { ...actor, name: '' } : actor, correlationId: randomUUID(), causationId: null };
          await this.store.append(stream, events, metadata);
        }
      } catch (error) {
        if (error instanceof StreamConflictError && attempt < 3) continue;
        throw error;
      }
      await this.commenters.forget(commenterId);
      return { commenterId, erasedAt: commenter.erasedAt!.toISOString() };
    }
  }
}
