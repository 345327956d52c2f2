import { Actor } from '@app/domain';
import { Command } from '@nestjs/cqrs';

export interface Erasure {
  commenterId: string;
  erasedAt: string;
}

/** Erase a commenter: record it, destroy their key; the commenter ledger then removes their replies. */
export class EraseCommenterCommand extends Command<Erasure> {
  constructor(
    readonly commenterId: string,
    readonly requestedBy: 'commenter' | 'admin',
    readonly actor: Actor,
    readonly reason?: string,
  ) {
    super();
  }
}
