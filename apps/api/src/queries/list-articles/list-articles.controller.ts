import { Allow } from '@app/platform';
import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { articleResponse } from '../get-article/article.response';
import { ListArticlesQuery } from './list-articles.query';

export class ListArticlesDto {
  @ApiPropertyOptional({ default: 20 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(100)
  limit = 20;

  @ApiPropertyOptional({ default: 0 }) @IsOptional() @Type(() => Number) @IsInt() @Min(0) @Max(10_000)
  offset = 0;
}

@ApiTags('articles')
@Controller('articles')
export class ListArticlesController {
  constructor(private readonly queries: QueryBus) {}

  @Get()
  @Allow('anyone')
  async list(@Query() q: ListArticlesDto) {
    const articles = await this.queries.execute(new ListArticlesQuery(q.limit, q.offset));
    return { items: articles.map(articleResponse) };
  }
}
