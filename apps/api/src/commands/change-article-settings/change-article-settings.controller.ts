import { Actor } from '@app/domain';
import { Allow, CurrentActor } from '@app/platform';
import { Body, Controller, Headers, Param, Patch, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiHeader, ApiTags } from '@nestjs/swagger';
import { ArticleIdParam } from '../../shared/id-params';
import { etagOf } from '../../shared/request-context';
import { ReplySettingsDto } from '../../shared/reply-settings.dto';
import { ChangeArticleSettingsCommand } from './change-article-settings.command';

@ApiTags('articles')
@ApiBearerAuth()
@Controller('articles')
export class ChangeArticleSettingsController {
  constructor(private readonly commands: CommandBus) {}

  @Patch(':id/settings')
  @Allow('admin')
  @ApiHeader({ name: 'If-Match', required: false, description: 'ETag of the article as read' })
  async change(
    @Param() { id }: ArticleIdParam,
    @Body() dto: ReplySettingsDto,
    @CurrentActor() actor: Actor,
    @Headers('if-match') ifMatch: string | undefined,
    @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void },
  ) {
    const { settings, version } = await this.commands.execute(new ChangeArticleSettingsCommand(id, { ...dto }, actor, ifMatch));
    res.setHeader('ETag', etagOf(version));
    return { id, settings };
  }
}
