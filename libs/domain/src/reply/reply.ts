import { Article } from '../article/article';
import { AggregateRoot } from '../shared/aggregate-root';
import { Actor } from '../shared/domain-event';
import {
  ForbiddenError,
  InvalidCommandError,
  NotFoundError,
  RuleViolationError,
} from '../shared/domain-errors';
import { checkText } from '../shared/text';
import { authorOf, ERASED_AUTHOR_NAME, ReplyAuthor, ReplyEvent, ReplyStatus } from './reply.events';

export const MAX_REPLY_LENGTH = 5000;

export interface SubmitReply {
  replyId: string;
  article: Article;
  /** The parent reply, loaded, when this answers another reply. */
  parent?: Reply;
  author: Actor;
  body: string;
}

export class Reply extends AggregateRoot<ReplyEvent> {
  id = '';
  articleId = '';
  parentId: string | null = null;
  rootId = '';
  depth = 0;
  author: ReplyAuthor = { kind: 'reader', id: '', name: '' };
  body = '';
  status: ReplyStatus = 'pending';
  submittedAt = new Date(0);
  private submitted = false;

  static streamId(replyId: string): string {
    return `reply-${replyId}`;
  }

  static submit(input: SubmitReply, now: Date): Reply {
    const body = Reply.checkBody(input.body);
    const { article, parent } = input;
    if (parent) {
      if (parent.articleId !== article.id) {
        throw new InvalidCommandError('the parent reply belongs to another article', 'parentId');
      }
      if (parent.status === 'retracted' || parent.status === 'removed') {
        throw new RuleViolationError(`the parent reply was ${parent.status}`, 'parentId');
      }
    }
    const depth = parent ? parent.depth + 1 : 1;
    article.assertAcceptsReply({ asGuest: input.author.kind === 'guest', depth });

    const reply = new Reply();
    reply.record({
      type: 'reply.submitted',
      schemaVersion: 1,
      data: {
        replyId: input.replyId,
        articleId: article.id,
        parentId: parent?.id ?? null,
        rootId: parent ? parent.rootId : input.replyId,
        depth,
        author: authorOf(input.author),
        body,
        submittedAt: now.toISOString(),
        status: article.settings.moderation === 'pre' ? 'pending' : 'published',
      },
    });
    return reply;
  }

  assertExists(replyId: string): this {
    if (!this.submitted) throw new NotFoundError(`reply ${replyId} not found`);
    return this;
  }

  edit(actor: Actor, body: string, now: Date, article: Article): void {
    this.assertAuthorWithinWindow(actor, now, article, 'edit');
    const text = Reply.checkBody(body);
    if (text === this.body) return;
    this.record({
      type: 'reply.edited',
      schemaVersion: 1,
      data: {
        replyId: this.id,
        articleId: this.articleId,
        body: text,
        previousBody: this.body,
        editedAt: now.toISOString(),
      },
    });
  }

  retract(actor: Actor, now: Date, article: Article): void {
    this.assertAuthorWithinWindow(actor, now, article, 'retract');
    this.record({
      type: 'reply.retracted',
      schemaVersion: 1,
      data: {
        replyId: this.id,
        articleId: this.articleId,
        retractedAt: now.toISOString(),
        previousStatus: this.status,
      },
    });
  }

  /** Its author was erased: the reply stays in place as removed. Recorded once. */
  erase(commenterId: string, now: Date): void {
    if (this.status === 'removed') return;
    if (commenterId !== this.author.id) throw new ForbiddenError(`reply ${this.id} is not by commenter ${commenterId}`);
    this.record({
      type: 'reply.erased',
      schemaVersion: 1,
      data: { replyId: this.id, articleId: this.articleId, commenterId, erasedAt: now.toISOString(), previousStatus: this.status },
    });
  }

  isAuthoredBy(actor: Actor): boolean {
    const guest = (k: string) => k === 'guest';
    return actor.id === this.author.id && guest(actor.kind) === guest(this.author.kind);
  }

  private assertAuthorWithinWindow(actor: Actor, now: Date, article: Article, verb: string): void {
    if (!this.isAuthoredBy(actor)) throw new ForbiddenError(`only its author may ${verb} a reply`);
    if (this.status === 'retracted' || this.status === 'removed') throw new RuleViolationError(`the reply was ${this.status}`);
    const closesAt = this.submittedAt.getTime() + article.settings.editWindowMinutes * 60_000;
    if (now.getTime() > closesAt) {
      throw new RuleViolationError(
        `the ${article.settings.editWindowMinutes}-minute window to ${verb} this reply is over`,
      );
    }
  }

  /**
   * Plain text, trimmed; something visible (not only zero-width or bidi marks), no control
   * characters but tab and line breaks, never longer than MAX_REPLY_LENGTH characters.
   */
  static checkBody(body: string): string {
    return checkText(body, { field: 'body', what: 'a reply', max: MAX_REPLY_LENGTH, multiline: true });
  }

  protected toState() {
    const { id, articleId, parentId, rootId, depth, author, body, status, submitted } = this;
    return { id, articleId, parentId, rootId, depth, author, body, status, submitted, submittedAt: this.submittedAt.toISOString() };
  }

  protected fromState(state: unknown): void {
    const s = state as ReturnType<Reply['toState']>;
    Object.assign(this, { ...s, submittedAt: new Date(s.submittedAt) });
  }

  protected when(event: ReplyEvent): void {
    switch (event.type) {
      case 'reply.submitted': {
        const d = event.data;
        this.submitted = true;
        this.id = d.replyId;
        this.articleId = d.articleId;
        this.parentId = d.parentId;
        this.rootId = d.rootId;
        this.depth = d.depth;
        this.author = d.author;
        this.body = d.body;
        this.status = d.status;
        this.submittedAt = new Date(d.submittedAt);
        break;
      }
      case 'reply.edited':
        this.body = event.data.body;
        break;
      case 'reply.retracted':
        this.status = 'retracted';
        break;
      case 'reply.erased':
        this.status = 'removed';
        this.body = '';
        this.author = { ...this.author, name: ERASED_AUTHOR_NAME };
        break;
    }
  }
}
