import { JwtService } from '@nestjs/jwt';
import { AppConfig } from '../config/app-config';
import { Role } from './access';

export interface TokenClaims {
  sub: string;
  name: string;
  role: Role;
}

/** A bearer token as the news site would issue it, signed with this deployment's key (CLI and dev sign-in). */
export function mintToken(config: Pick<AppConfig, 'JWT_SECRET' | 'JWT_ISSUER' | 'JWT_AUDIENCE'>, claims: TokenClaims, expiresIn = '8h'): string {
  return new JwtService().sign(
    { sub: claims.sub, name: claims.name, role: claims.role },
    {
      secret: config.JWT_SECRET,
      algorithm: 'HS256',
      expiresIn: expiresIn as never,
      ...(config.JWT_ISSUER ? { issuer: config.JWT_ISSUER } : {}),
      ...(config.JWT_AUDIENCE ? { audience: config.JWT_AUDIENCE } : {}),
    },
  );
}
