import { Actor } from '@app/domain';
import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';

/**
 * Who may call an endpoint. `anyone`: no credentials needed. `commenter`: a signed-in user,
 * or a guest where the article allows it (the handler decides). The rest need a bearer token
 * with at least that role. `scraper`: the metrics scraper, by METRICS_TOKEN or from loopback
 * (metrics/metrics-access.ts); its bearer is not a JWT. An endpoint without a rule is refused.
 */
export type Access = 'anyone' | 'commenter' | 'reader' | 'moderator' | 'admin' | 'scraper';
export const ACCESS_KEY = 'reply-section:access';
export const Allow = (access: Access) => SetMetadata(ACCESS_KEY, access);

export const ROLE_RANK = { reader: 1, moderator: 2, admin: 3 } as const;
export type Role = keyof typeof ROLE_RANK;

/** Own keys only: `constructor` or `__proto__` is not a role, whatever `in` says. */
export const isRole = (value: unknown): value is Role => typeof value === 'string' && Object.hasOwn(ROLE_RANK, value);

/** The rank of an actor kind; 0 (below every role) for guests and anything unknown. */
export const rankOf = (kind: unknown): number => (isRole(kind) ? ROLE_RANK[kind] : 0);

export interface AuthenticatedRequest {
  actor?: Actor;
}

/** The signed-in actor, or undefined for a guest. */
export const CurrentActor = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): Actor | undefined => ctx.switchToHttp().getRequest<AuthenticatedRequest>().actor,
);
