import { applyDecorators, SetMetadata, UseGuards } from '@nestjs/common';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import { RateLimitedAction } from '../config/app-config';
import { RATE_LIMITED_ACTION, RateLimitGuard } from './rate-limit.guard';

/**
 * Limits an endpoint per commenter and per network with the action's RATE_LIMIT_* settings
 * (docs/decisions/0020). Method-level, so it runs after the access guard has read the token.
 * Reactions, when they come, need only `@RateLimited('react')` on their handler.
 */
export const RateLimited = (action: RateLimitedAction) =>
  applyDecorators(
    SetMetadata(RATE_LIMITED_ACTION, action),
    UseGuards(RateLimitGuard),
    ApiTooManyRequestsResponse({
      description: 'Too many from this commenter or this network in the window; nothing was stored. Retry-After says when to try again.',
      headers: { 'Retry-After': { description: 'seconds to wait', schema: { type: 'integer' } } },
    }),
  );
