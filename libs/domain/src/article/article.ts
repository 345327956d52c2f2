import { AggregateRoot } from '../shared/aggregate-root';
import { ConflictError, NotFoundError, RuleViolationError } from '../shared/domain-errors';
import { ArticleEvent, DEFAULT_REPLY_SETTINGS, ReplySettings } from './article.events';

/** Leaves out keys whose value is undefined, so they never override a setting. */
const defined = <T extends object>(o: T | undefined): Partial<T> =>
  Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;

export interface PublishArticle {
  articleId: string;
  title: string;
  author: string;
  category: string;
  body: string[];
  settings?: Partial<ReplySettings>;
}

export class Article extends AggregateRoot<ArticleEvent> {
  id = '';
  title = '';
  settings: ReplySettings = DEFAULT_REPLY_SETTINGS;
  /** Stream version of the event that set the current settings: their ETag, whatever else the stream holds. */
  settingsVersion = 0;
  publishedAt = new Date(0);
  private published = false;

  static streamId(articleId: string): string {
    return `article-${articleId}`;
  }

  static publish(input: PublishArticle, now: Date): Article {
    const article = new Article();
    article.record({
      type: 'article.published',
      schemaVersion: 1,
      data: {
        articleId: input.articleId,
        title: input.title,
        author: input.author,
        category: input.category,
        body: input.body,
        publishedAt: now.toISOString(),
        settings: { ...DEFAULT_REPLY_SETTINGS, ...defined(input.settings) },
      },
    });
    return article;
  }

  /** Throws unless this article has been published (an empty stream means unknown). */
  assertExists(articleId: string): this {
    if (!this.published) throw new NotFoundError(`article ${articleId} not found`);
    return this;
  }

  changeSettings(changes: Partial<ReplySettings>): void {
    const settings = { ...this.settings, ...defined(changes) };
    const same = (Object.keys(settings) as (keyof ReplySettings)[]).every(
      (k) => settings[k] === this.settings[k],
    );
    if (same) return;
    this.record({
      type: 'article.reply-settings-changed',
      schemaVersion: 1,
      data: { articleId: this.id, settings, previous: this.settings },
    });
  }

  /** When its replies close by themselves, or null when they never do. */
  get closesAt(): Date | null {
    const days = this.settings.autoCloseAfterDays ?? 0;
    return days > 0 ? new Date(this.publishedAt.getTime() + days * 86_400_000) : null;
  }

  /**
   * Records that replies closed by themselves, once their time has come (a timed job calls
   * this; submissions are refused from that moment whether it has run or not).
   */
  autoClose(now: Date): void {
    const closesAt = this.closesAt;
    if (!this.settings.open || closesAt === null || now < closesAt) return;
    this.record({ type: 'article.auto-closed', schemaVersion: 1, data: { articleId: this.id, afterDays: this.settings.autoCloseAfterDays!, closedAt: now.toISOString() } });
  }

  /** The rules a new reply must pass before it is accepted. */
  assertAcceptsReply(opts: { asGuest: boolean; depth: number; now: Date }): void {
    if (!this.settings.open) throw new RuleViolationError('replies are closed on this article');
    const closesAt = this.closesAt;
    if (closesAt !== null && opts.now >= closesAt) throw new RuleViolationError(`replies closed on this article ${this.settings.autoCloseAfterDays} days after it was published`);
    if (opts.asGuest && !this.settings.guestsAllowed) {
      throw new RuleViolationError('this article does not accept replies from guests; sign in');
    }
    if (opts.depth > this.settings.maxDepth) {
      throw new RuleViolationError(
        `replies may nest at most ${this.settings.maxDepth} deep on this article`,
        'parentId',
      );
    }
  }

  protected toState() {
    return { id: this.id, title: this.title, settings: this.settings, settingsVersion: this.settingsVersion, published: this.published, publishedAt: this.publishedAt.toISOString() };
  }

  protected fromState(state: unknown): void {
    const s = state as ReturnType<Article['toState']>;
    Object.assign(this, { id: s.id, title: s.title, settings: s.settings, settingsVersion: s.settingsVersion, published: s.published, publishedAt: new Date(s.publishedAt) });
  }

  protected when(event: ArticleEvent): void {
    switch (event.type) {
      case 'article.published':
        if (this.published) throw new ConflictError('article already published');
        this.published = true;
        this.id = event.data.articleId;
        this.title = event.data.title;
        this.settings = event.data.settings;
        this.settingsVersion = this.version + 1;
        this.publishedAt = new Date(event.data.publishedAt);
        break;
      case 'article.auto-closed':
        this.settings = { ...this.settings, open: false };
        this.settingsVersion = this.version + 1;
        break;
      case 'article.reply-settings-changed':
        this.settings = event.data.settings;
        this.settingsVersion = this.version + 1;
        break;
    }
  }
}
