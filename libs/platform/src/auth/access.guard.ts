import { Actor } from '@app/domain';
import { CanActivate, ExecutionContext, ForbiddenException, Injectable, UnauthorizedException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { scrapeVerdict } from '../metrics/metrics-access';
import { Access, ACCESS_KEY, AuthenticatedRequest, isRole, rankOf, ROLE_RANK } from './access';

interface Claims {
  sub?: unknown;
  name?: unknown;
  role?: unknown;
  exp?: unknown;
}

@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    if (!access) throw new ForbiddenException('this endpoint states no access rule');
    const request = context.switchToHttp().getRequest<AuthenticatedRequest & { headers: Record<string, string | undefined>; socket?: { remoteAddress?: string } }>();
    // Before the JWT check: the scraper's bearer is the metrics token, which no JWT check would pass.
    if (access === 'scraper') return this.scraper(request);
    const header = request.headers.authorization;
    if (header !== undefined) request.actor = await this.authenticate(header);
    if (access === 'anyone' || access === 'commenter') return true;
    if (!request.actor) throw new UnauthorizedException('sign in with a bearer token');
    if (rankOf(request.actor.kind) < ROLE_RANK[access]) {
      throw new ForbiddenException(`this needs the ${access} role`);
    }
    return true;
  }

  private scraper(request: { headers: Record<string, string | undefined>; socket?: { remoteAddress?: string } }): true {
    const verdict = scrapeVerdict(this.config.METRICS_TOKEN, { headers: request.headers, socketAddress: request.socket?.remoteAddress });
    if (verdict.allowed) return true;
    throw verdict.status === 401 ? new UnauthorizedException(verdict.detail) : new ForbiddenException(verdict.detail);
  }

  private async authenticate(header: string): Promise<Actor> {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) throw new UnauthorizedException('Authorization must be "Bearer <token>"');
    let claims: Claims;
    try {
      claims = await this.jwt.verifyAsync<Claims & object>(match[1], {
        secret: this.config.JWT_SECRET,
        algorithms: ['HS256'],
        issuer: this.config.JWT_ISSUER,
        audience: this.config.JWT_AUDIENCE,
      });
    } catch (error) {
      throw new UnauthorizedException(`bad token: ${(error as Error).message}`);
    }
    // The library checks exp, nbf and iat when present; a token without exp would never expire.
    const { sub, name, role, exp } = claims;
    if (typeof exp !== 'number') throw new UnauthorizedException('token has no exp');
    if (typeof sub !== 'string' || sub.length === 0) throw new UnauthorizedException('token has no sub');
    if (!isRole(role)) throw new UnauthorizedException('token role must be reader, moderator or admin');
    return { kind: role, id: sub, name: typeof name === 'string' && name ? name : sub };
  }
}
