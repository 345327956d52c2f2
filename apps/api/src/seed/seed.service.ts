import { AppConfig } from '@app/platform';
import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { PublishArticleCommand } from '../commands/publish-article/publish-article.command';
import { loadSeedArticle } from './seed-article';

/** Publishes the fixture article through the ordinary command, once however often we start. */
@Injectable()
export class SeedService implements OnApplicationBootstrap {
  private readonly logger = new Logger('seed');

  constructor(
    private readonly commands: CommandBus,
    private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.SEED_ARTICLE) return;
    const article = loadSeedArticle();
    const system = { kind: 'system' as const, id: 'seed', name: 'Seed fixture' };
    const { created } = await this.commands.execute(new PublishArticleCommand(article, system, true));
    this.logger.log(`${created ? 'published' : 'already there:'} /articles/${article.articleId}`);
  }
}
