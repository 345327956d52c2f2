import { Allow } from '@app/platform';
import { ViewReader } from '@app/read-models';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { loadSeedArticle } from '../../seed/seed-article';
import { articlePage, missingArticlePage } from './article-page.html';

type Response = { status(code: number): Response; setHeader(k: string, v: string): void; send(body: string): void };

/** `/`: the fixture article as a news page with the reply section under it (the product at a glance). */
@ApiExcludeController()
@Controller()
export class SeedArticlePageController {
  private readonly articleId = loadSeedArticle().articleId;

  constructor(private readonly views: ViewReader) {}

  @Get()
  @Allow('anyone')
  async page(@Res() res: Response) {
    const article = await this.views.article(this.articleId);
    res.setHeader('Content-Type', 'text/html; charset=utf-8');
    res.setHeader('Cache-Control', 'no-cache');
    if (!article) return res.status(404).send(missingArticlePage());
    res.send(articlePage(article));
  }
}
