import type { AkismetSettings, NetworkRecord } from '@app/platform';
import { CheckResult, Client, type Comment } from '@cedx/akismet';
import { Logger } from '@nestjs/common';
import { akismetBlog, akismetComment, type AkismetQuestion } from './akismet-comment';

/** The one call of the npm client that screening makes; a test passes its own. */
export interface AkismetClient {
  checkComment(comment: Comment): Promise<CheckResult>;
}

/**
 * How long a verdict waits for Akismet. The client takes no abort signal, so a late answer is
 * only ignored: the request ends when Akismet answers or Node's fetch gives up on it.
 */
export const AKISMET_TIMEOUT_MS = 3_000;
/** While Akismet fails, every reply would warn; one warning a minute says how many. */
const WARN_EVERY_MS = 60_000;

/**
 * Asks Akismet about a reply, when it is configured (AKISMET_KEY) and the submission's client
 * address is still in Redis. Never throws: off, without an address, on an error or after
 * AKISMET_TIMEOUT_MS the answer is null, and the verdict is scored without it
 * (docs/decisions/0029). The address and user agent go to Akismet and nowhere else: only the
 * yes or no comes back into the verdict.
 */
export class AkismetChecker {
  private readonly logger = new Logger('akismet');
  private unanswered = 0;
  private lastWarningAt = -Infinity;

  constructor(
    private readonly client: AkismetClient | null,
    private readonly timeoutMs = AKISMET_TIMEOUT_MS,
  ) {}

  /** Akismet's own client against AKISMET_URL, or a checker that is off. */
  static of(settings: AkismetSettings | null): AkismetChecker {
    return new AkismetChecker(settings ? new Client(settings.key, akismetBlog(settings.site), { baseUrl: settings.url }) : null);
  }

  get on(): boolean {
    return this.client !== null;
  }

  /** True: spam; false: not spam; null: not asked or no answer. `replyVersion` names the reply in a warning. */
  async check(replyVersion: string, reply: Omit<AkismetQuestion, 'address' | 'userAgent'>, network: NetworkRecord | null): Promise<boolean | null> {
    if (!this.client || !network?.address) return null;
    const asked = this.client.checkComment(akismetComment({ ...reply, address: network.address, userAgent: network.userAgent }));
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer in ${this.timeoutMs} ms`)), this.timeoutMs);
    });
    try {
      return (await Promise.race([asked, late])) !== CheckResult.ham;
    } catch (error) {
      asked.catch(() => undefined); // a late failure has no one left to tell
      this.warn(replyVersion, error);
      return null;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The client's errors name the status or Akismet's hint, never what was sent. */
  private warn(replyVersion: string, error: unknown): void {
    this.unanswered += 1;
    const now = Date.now();
    if (now - this.lastWarningAt < WARN_EVERY_MS) return;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`Akismet gave no answer for ${replyVersion}, scored without it (${this.unanswered} since the last warning): ${reason}`);
    this.unanswered = 0;
    this.lastWarningAt = now;
  }
}
