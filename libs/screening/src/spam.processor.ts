import { BANNED_REASON, OutdatedVerdictError, Reply, Verdict } from '@app/domain';
import { StreamConflictError } from '@app/event-store';
import { Aggregates, Clock, NetworkData, PolicyInForce, WorkCounters } from '@app/platform';
import { AkismetChecker } from './akismet-checker';
import { Scorer } from './scorer';
import { SpamModelInMemory } from './spam-model-in-memory';
import { OnWorkerEvent, WorkerHost } from '@nestjs/bullmq';
import { Logger, OnApplicationBootstrap } from '@nestjs/common';
import { Job } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { SCREENING_ATTEMPTS, ScreeningJob, ScreenReplyData } from './screening-jobs';
import { ScreeningBacklog } from './screening-backlog';
import { ScreeningSignals } from './screening-signals';

/** Why a job no longer applies, or null when the reply still waits for this version's verdict. */
export function staleness(reply: Reply, version: number): string | null {
  if (reply.status === 'retracted' || reply.status === 'removed') return `the reply was ${reply.status}`;
  if (reply.textVersion !== version) return `version ${version} was replaced by ${reply.textVersion}`;
  if (reply.moderatedVersion >= version) return 'a moderator decided on this version';
  if (reply.verdictVersion >= version) return 'this version has its verdict';
  return null;
}

export type ScreeningOutcome = { outcome: 'screened'; decision: string } | { outcome: 'outdated'; why: string };

const SCREENING_ACTOR = { kind: 'system', id: 'screening', name: 'screening' } as const;

/**
 * Spam workers: score one version of a reply and append the verdict to its stream at that
 * version. A verdict for an outdated version is refused by the reply (the newer version has
 * its own job); a job that exhausts its tries holds the reply for a human with the reason.
 *
 * Not decorated here: its worker options depend on configuration (spam-worker.ts).
 */
export class SpamProcessor extends WorkerHost implements OnApplicationBootstrap {
  private readonly logger = new Logger('screening');

  /** Exactly one handler per job name; the type makes a missing one a compile error. */
  readonly handlers: Record<ScreeningJob, (job: Job<ScreenReplyData>) => Promise<ScreeningOutcome>> = {
    [ScreeningJob.ScreenReply]: (job) => this.screen(job),
  };

  constructor(
    private readonly aggregates: Aggregates,
    private readonly network: NetworkData,
    private readonly signals: ScreeningSignals,
    private readonly backlog: ScreeningBacklog,
    private readonly policies: PolicyInForce,
    private readonly models: SpamModelInMemory,
    private readonly akismet: AkismetChecker,
    private readonly clock: Clock,
    private readonly counters: WorkCounters,
  ) {
    super();
  }

  onApplicationBootstrap(): void {
    const missing = Object.values(ScreeningJob).filter((name) => typeof this.handlers[name] !== 'function');
    if (missing.length) throw new Error(`no handler for spam jobs: ${missing.join(', ')}`);
  }

  async process(job: Job<ScreenReplyData>): Promise<ScreeningOutcome> {
    const handler = this.handlers[job.name as ScreeningJob];
    if (!handler) throw new Error(`unknown spam job ${job.name}`);
    const outcome = await handler(job);
    if (outcome.outcome === 'outdated') this.counters.outdated.inc();
    return outcome;
  }

  private async screen(job: Job<ScreenReplyData>): Promise<ScreeningOutcome> {
    const { replyId, version, commitId } = job.data;
    const { reply } = await this.aggregates.reply(replyId);
    const stale = staleness(reply, version);
    if (stale) {
      await this.backlog.done(replyId, version);
      return { outcome: 'outdated', why: stale };
    }
    // Its author was banned after passing the check at submission (the ban landed in between):
    // refused here, so a ban's reject-all never misses a reply on its way in.
    const { commenter } = await this.aggregates.commenter(reply.author.id);
    if (commenter.standingAt(this.clock()) === 'banned') {
      const policy = await this.policies.current();
      const banned: Verdict = { scoredVersion: version, decision: 'reject', score: 1, reasons: [{ code: BANNED_REASON, detail: 'Your account is banned from replying on this site.' }], features: { commenterStanding: 'banned' }, policyVersion: policy.version, modelVersion: null };
      const outcome = await this.record(replyId, banned);
      await this.backlog.done(replyId, version);
      return outcome;
    }
    const network = await this.network.get(commitId).catch(() => null);
    // The policy in force when the job runs: the verdict names its version.
    const scorer = new Scorer(await this.policies.current(), await this.models.current());
    const scored = scorer.fingerprint(reply.body);
    const counts = await this.signals.count(job.id ?? `${replyId}-${version}`, { commenterId: reply.author.id, networkHash: network?.addressHash ?? null, fingerprint: scored, at: reply.submittedAt });
    // Only the answer goes on: the address and user agent stay in this job's memory.
    const akismet = await this.akismet.check(`${replyId} v${version}`, { body: reply.body, authorName: reply.author.name, submittedAt: reply.submittedAt }, network);
    const verdict = scorer.score({ body: reply.body, authorName: reply.author.name, honeypot: reply.honeypot, counts, akismet }, version);
    const outcome = await this.record(replyId, verdict);
    await this.backlog.done(replyId, version);
    return outcome;
  }

  /** Appends the verdict; a concurrent change of the reply is reloaded and the verdict tried again. */
  private async record(replyId: string, verdict: Verdict): Promise<ScreeningOutcome> {
    for (let attempt = 0; ; attempt++) {
      const { reply, stream } = await this.aggregates.reply(replyId);
      try {
        reply.screen(verdict, this.clock());
      } catch (error) {
        if (error instanceof OutdatedVerdictError) return { outcome: 'outdated', why: error.message };
        throw error;
      }
      const events = reply.pullEvents();
      if (events.length === 0) return { outcome: 'outdated', why: 'this version has its verdict' };
      try {
        await this.aggregates.store.append(stream, events, { actor: SCREENING_ACTOR, correlationId: randomUUID(), causationId: `${Reply.streamId(replyId)}:${verdict.scoredVersion}` });
        // Counted once appended, in memory: the screening rate costs no store round trip.
        this.counters.verdicts.inc({ decision: verdict.decision });
        return { outcome: 'screened', decision: verdict.decision };
      } catch (error) {
        if (!(error instanceof StreamConflictError) || attempt >= 5) throw error;
      }
    }
  }

  /** Out of tries: hold the reply for a human, saying why, rather than leave it checking. */
  /** Redis comes and goes; the dispatcher and the sweeper make up for it, so nothing to say here. */
  @OnWorkerEvent('error')
  onError(): void {}

  @OnWorkerEvent('failed')
  async onFailed(job: Job<ScreenReplyData> | undefined, error: Error): Promise<void> {
    if (!job || job.attemptsMade < (job.opts.attempts ?? SCREENING_ATTEMPTS)) return;
    this.logger.warn(`screening ${job.data.replyId} v${job.data.version} failed ${job.attemptsMade} times: ${error.message}`);
    const held: Verdict = {
      scoredVersion: job.data.version,
      decision: 'hold',
      score: 0,
      reasons: [{ code: 'screening-failed', detail: 'Our automatic checks could not finish; a moderator will look at this reply.' }],
      features: { error: error.message.slice(0, 200) },
      policyVersion: await this.policies.current().then((p) => p.version, () => 0),
      modelVersion: null,
    };
    try {
      await this.record(job.data.replyId, held);
      await this.backlog.done(job.data.replyId, job.data.version);
    } catch (e) {
      // Still in the backlog: the sweeper queues it again.
      this.logger.warn(`could not hold ${job.data.replyId}: ${(e as Error).message}`);
    }
  }
}
