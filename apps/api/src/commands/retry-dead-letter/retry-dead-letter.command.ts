import { Actor } from '@app/domain';
import { Command } from '@nestjs/cqrs';

export class RetryDeadLetterCommand extends Command<{ id: string; attempts: number }> {
  constructor(
    readonly deadLetterId: string,
    readonly actor: Actor,
  ) {
    super();
  }
}
