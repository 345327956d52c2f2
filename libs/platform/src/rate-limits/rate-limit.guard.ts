import { ExecutionContext, Injectable } from '@nestjs/common';
import { ThrottlerGuard, ThrottlerRequest } from '@nestjs/throttler';
import { RateLimitedAction } from '../config/app-config';
import { ProblemException } from '../http/problem';

/** Metadata naming the action an endpoint's limits belong to (set by @RateLimited). */
export const RATE_LIMITED_ACTION = 'reply-section:rate-limited';

const WHAT: Record<RateLimitedAction, string> = { submit: 'replies', flag: 'flags', react: 'reactions' };
const FROM: Record<string, string> = { commenter: 'from you', network: 'from your network' };

interface OverLimit {
  scope: string;
  retryAfterSeconds: number;
}

/**
 * throttler's guard with two changes: every limit counts the request before any answers
 * (throttler's own stops at the first one over), and the 429 is one problem+json with a plain
 * `Retry-After` for the longest wait, not a `Retry-After-<name>` header per limit.
 */
@Injectable()
export class RateLimitGuard extends ThrottlerGuard {
  private readonly overLimit = new WeakMap<object, OverLimit>();

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const passed = await super.canActivate(context);
    const { req } = this.getRequestResponse(context);
    const over = this.overLimit.get(req);
    if (!over) return passed;
    this.overLimit.delete(req);
    const action = this.reflector.get<RateLimitedAction>(RATE_LIMITED_ACTION, context.getHandler());
    const seconds = over.retryAfterSeconds;
    const what = [`too many ${WHAT[action] ?? 'requests'}`, FROM[over.scope]].filter(Boolean).join(' ');
    throw new ProblemException(429, `${what}: try again in ${seconds} s`, undefined, { 'Retry-After': String(seconds) });
  }

  protected override async handleRequest({ context, limit, ttl, throttler, blockDuration, getTracker, generateKey }: ThrottlerRequest): Promise<boolean> {
    const { req } = this.getRequestResponse(context);
    const tracker = await getTracker(req, context);
    // Nothing to count by (a guest body without an email, refused by validation next): the
    // other limit still counts the request.
    if (!tracker) return true;
    const scope = throttler.name ?? 'default';
    const record = await this.storageService.increment(generateKey(context, tracker, scope), ttl, limit, blockDuration, scope);
    if (record.isBlocked) {
      const retryAfterSeconds = Math.max(1, record.timeToBlockExpire);
      const seen = this.overLimit.get(req);
      if (!seen || seen.retryAfterSeconds < retryAfterSeconds) this.overLimit.set(req, { scope, retryAfterSeconds });
    }
    return true;
  }
}
