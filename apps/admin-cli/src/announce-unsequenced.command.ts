import { announceUnsequenced } from '@app/event-store';
import { MONGO_DB } from '@app/platform';
import { Inject } from '@nestjs/common';
import type { mongo } from 'mongoose';
import { Command, CommandRunner } from 'nest-commander';

/**
 * `npm run admin -- announce-unsequenced`: once, after upgrading from the order that wrote the
 * marker after the commit (decision 0037). It reads every commit; the running workers sequence
 * what it announces.
 */
@Command({ name: 'announce-unsequenced', description: 'write an inbox marker for every commit that has no log position yet (after an upgrade; scans every commit)' })
export class AnnounceUnsequencedCommand extends CommandRunner {
  constructor(@Inject(MONGO_DB) private readonly db: mongo.Db) {
    super();
  }

  async run(): Promise<void> {
    const { unsequenced, announced } = await announceUnsequenced(this.db);
    console.log(`${unsequenced} commits without a log position, ${announced} newly announced to the sequencer`);
  }
}
