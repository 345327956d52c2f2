import { Allow } from '@app/platform';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiTags } from '@nestjs/swagger';
import { ArticleIdParam } from '../../shared/id-params';
import { etagOf } from '../../shared/request-context';
import { articleResponse } from './article.response';
import { GetArticleQuery } from './get-article.query';

@ApiTags('articles')
@Controller('articles')
export class GetArticleController {
  constructor(private readonly queries: QueryBus) {}

  @Get(':id')
  @Allow('anyone')
  async get(@Param() { id }: ArticleIdParam, @Res({ passthrough: true }) res: { setHeader(k: string, v: string): void }) {
    const article = await this.queries.execute(new GetArticleQuery(id));
    res.setHeader('ETag', etagOf(article.settingsVersion));
    return articleResponse(article);
  }
}
