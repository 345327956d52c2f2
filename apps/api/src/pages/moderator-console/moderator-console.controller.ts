import { Allow, AppConfig } from '@app/platform';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { consolePage } from './console-page.html';

type Response = { setHeader(k: string, v: string): void; send(body: string): void };

/** `/moderation`: the moderator console. The page is public; every call it makes needs a moderator's token. */
@ApiExcludeController()
@Controller('moderation')
export class ModeratorConsoleController {
  constructor(private readonly config: AppConfig) {}

  @Get()
  @Allow('anyone')
  page(@Res() res: Response) {
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    res.send(consolePage({ devSignIn: this.config.DEV_SIGN_IN }));
  }
}
