import { Actor, InvalidCommandError } from '@app/domain';
import { Allow, CurrentActor } from '@app/platform';
import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiAcceptedResponse, ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { slugify } from '../../shared/ids';
import { PublishArticleCommand } from './publish-article.command';
import { PublishArticleDto } from './publish-article.dto';

@ApiTags('articles')
@ApiBearerAuth()
@Controller('articles')
export class PublishArticleController {
  constructor(private readonly commands: CommandBus) {}

  @Post()
  @Allow('admin')
  @HttpCode(202)
  @ApiAcceptedResponse({ description: 'Published; the article view follows shortly' })
  async publish(@Body() dto: PublishArticleDto, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: { location(url: string): void }) {
    const articleId = dto.id ?? slugify(dto.title);
    if (!articleId) throw new InvalidCommandError('the title gives no id; pass one', 'id');
    const { settings, id: _, ...rest } = dto;
    await this.commands.execute(new PublishArticleCommand({ ...rest, articleId, settings: { ...settings } }, actor));
    res.location(`/articles/${articleId}`);
    return { id: articleId };
  }
}
