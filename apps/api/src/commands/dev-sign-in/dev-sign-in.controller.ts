import { Allow, AppConfig, mintToken, ProblemException } from '@app/platform';
import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiExcludeController } from '@nestjs/swagger';
import { DevSignInDto } from './dev-sign-in.dto';

const LIFETIME = '8h';

/** The subject a dev name signs in as: the same name is the same moderator in the log. */
export const devSubject = (name: string) =>
  `dev-${
    name
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}]+/gu, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'user'
  }`;

/**
 * The moderator console's development sign-in: a token for any role, for whoever asks. Only
 * with DEV_SIGN_IN=true (config refuses it in production); otherwise the route does not exist.
 */
@ApiExcludeController()
@Controller('dev/sign-in')
export class DevSignInController {
  constructor(private readonly config: AppConfig) {}

  @Post()
  @Allow('anyone')
  @HttpCode(201)
  @ApiCreatedResponse({ description: '{token, sub, name, role, expiresIn}' })
  signIn(@Body() dto: DevSignInDto) {
    if (!this.config.DEV_SIGN_IN) throw new ProblemException(404, 'Cannot POST /dev/sign-in');
    const name = dto.name.trim();
    const sub = devSubject(name);
    return { token: mintToken(this.config, { sub, name, role: dto.role }, LIFETIME), sub, name, role: dto.role, expiresIn: LIFETIME };
  }
}
