import { CLOCK, Clock, PolicyInForce, ProblemException } from '@app/platform';
import { Inject } from '@nestjs/common';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { metadataFor } from '../../shared/request-context';
import { EVENT_STORE, EventStore, StreamConflictError } from '@app/event-store';
import { ChangePolicyCommand } from './change-policy.command';

@CommandHandler(ChangePolicyCommand)
export class ChangePolicyHandler implements ICommandHandler<ChangePolicyCommand> {
  constructor(
    private readonly policies: PolicyInForce,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ rules, reason, admin, seenVersion }: ChangePolicyCommand) {
    const { site, stream } = await this.policies.forChange();
    if (site.policy.version !== seenVersion) throw new ProblemException(412, `the policy changed since you read it (version ${site.policy.version} is in force now)`);
    site.change(rules, reason, this.clock());
    const events = site.pullEvents();
    if (events.length === 0) return { policy: site.policy, changedAt: site.changedAt };
    try {
      await this.store.append(stream, events, metadataFor(admin));
    } catch (error) {
      // Another admin's change took this version first: theirs is what this one did not see.
      if (error instanceof StreamConflictError) throw new ProblemException(412, 'the policy changed while yours was being saved; read it again');
      throw error;
    }
    this.policies.invalidate();
    return { policy: site.policy, changedAt: site.changedAt };
  }
}
