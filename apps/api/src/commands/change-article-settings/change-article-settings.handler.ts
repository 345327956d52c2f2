import { Article } from '@app/domain';
import { ProblemException } from '@app/platform';
import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { matchesEtag, metadataFor } from '../../shared/request-context';
import { Aggregates } from '@app/platform';
import { ChangeArticleSettingsCommand } from './change-article-settings.command';

@CommandHandler(ChangeArticleSettingsCommand)
export class ChangeArticleSettingsHandler implements ICommandHandler<ChangeArticleSettingsCommand> {
  constructor(private readonly aggregates: Aggregates) {}

  async execute({ articleId, changes, actor, ifMatch }: ChangeArticleSettingsCommand) {
    const { article, stream } = await this.aggregates.article(articleId);
    // The ETag is the settings' own version: other events on the article stream do not stale it.
    if (!matchesEtag(ifMatch, article.settingsVersion)) throw new ProblemException(412, 'the settings changed since they were read');
    article.changeSettings(changes);
    const events = article.pullEvents();
    if (events.length === 0) return { settings: article.settings, version: article.settingsVersion };
    await this.aggregates.store.append(stream, events, metadataFor(actor));
    return { settings: (article as Article).settings, version: article.settingsVersion };
  }
}
