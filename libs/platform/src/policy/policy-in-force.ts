import { PolicyEvent, SitePolicy } from '@app/domain';
import { EVENT_STORE, EventStore, LoadedStream } from '@app/event-store';
import { ModerationPolicy } from '@app/moderation';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config';

/** The one site this deployment serves; the stream name leaves room for more. */
export const POLICY_SITE = 'default';

/** How long a process trusts the policy it read before it looks for a newer version (one lookup). */
export const POLICY_REFRESH_MS = 2_000;

export interface PolicyState {
  site: SitePolicy;
  stream: LoadedStream<PolicyEvent>;
}

/**
 * The moderation policy in force, read from its stream and kept in memory: spam workers score
 * every reply with it, so each process reads only the events it has not seen, at most every
 * POLICY_REFRESH_MS. A change made elsewhere reaches a worker within that time; the verdict
 * names the version it used either way. While the store is away the last policy read stays.
 */
@Injectable()
export class PolicyInForce {
  private readonly logger = new Logger('policy');
  private state: PolicyState | null = null;
  private readAt = -Infinity;
  private reading: Promise<PolicyState> | null = null;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly config: AppConfig,
  ) {}

  async current(): Promise<ModerationPolicy> {
    return (await this.load()).site.policy;
  }

  /** A fresh aggregate and its whole stream, for a change: the cached one is never changed in place. */
  async forChange(): Promise<PolicyState> {
    const stream = await this.store.load<PolicyEvent>(SitePolicy.streamId(POLICY_SITE));
    const site = new SitePolicy(POLICY_SITE, this.config.moderationPolicy).rehydrate(stream.events.map((e) => e.event));
    return { site, stream };
  }

  /**
   * The policy as it was at `version` (0: the starting policy), rebuilt from its stream: each
   * change holds the whole policy. Null for a version the stream has not reached.
   */
  async atVersion(version: number): Promise<{ policy: ModerationPolicy; latest: number } | null> {
    const stream = await this.store.load<PolicyEvent>(SitePolicy.streamId(POLICY_SITE));
    if (version > stream.version) return null;
    const site = new SitePolicy(POLICY_SITE, this.config.moderationPolicy).rehydrate(stream.events.slice(0, version).map((e) => e.event));
    return { policy: site.policy, latest: stream.version };
  }

  /** After this process appended a change: the next read looks for it at once. */
  invalidate(): void {
    this.readAt = -Infinity;
  }

  private load(): Promise<PolicyState> {
    if (this.state && performance.now() - this.readAt < POLICY_REFRESH_MS) return Promise.resolve(this.state);
    this.reading ??= this.read().finally(() => (this.reading = null));
    return this.reading;
  }

  private async read(): Promise<PolicyState> {
    const streamId = SitePolicy.streamId(POLICY_SITE);
    try {
      const known = this.state;
      const tail = await this.store.load<PolicyEvent>(streamId, known ? { version: known.stream.version, head: known.stream.head } : undefined);
      const site = known ? known.site : new SitePolicy(POLICY_SITE, this.config.moderationPolicy);
      site.rehydrate(tail.events.map((e) => e.event));
      const state = { site, stream: { ...tail, events: [...(known?.stream.events ?? []), ...tail.events] } };
      this.state = state;
      this.readAt = performance.now();
      return state;
    } catch (error) {
      if (!this.state) throw error;
      this.logger.warn(`policy not refreshed, version ${this.state.site.policy.version} stays in force: ${(error as Error).message}`);
      return this.state;
    }
  }
}
