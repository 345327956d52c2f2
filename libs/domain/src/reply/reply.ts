import { Article } from '../article/article';
import type { CommenterStanding } from '../commenter/commenter.events';
import { AggregateRoot } from '../shared/aggregate-root';
import { Actor } from '../shared/domain-event';
import {
  ConflictError,
  ForbiddenError,
  InvalidCommandError,
  NotFoundError,
  RuleViolationError,
} from '../shared/domain-errors';
import { checkText } from '../shared/text';
import { authorOf, ERASED_AUTHOR_NAME, ModeratorAction, ReplyAuthor, ReplyEvent, ReplyScreened, ReplyStatus, VerdictDecision } from './reply.events';

export const MAX_REPLY_LENGTH = 5000;
/** A moderator's reason, shown to the author as the statement of reasons. */
export const MAX_REASON_LENGTH = 1000;
export const MAX_APPEAL_NOTE_LENGTH = 1000;
/** Statuses an author may appeal against: held for a human, or refused. */
export const APPEALABLE: readonly ReplyStatus[] = ['pending', 'rejected', 'spam'];

/** What screening hands the reply: the verdict on one version, with what it used. */
export type Verdict = Pick<ReplyScreened['data'], 'scoredVersion' | 'decision' | 'score' | 'reasons' | 'features' | 'policyVersion' | 'modelVersion'>;

/** A verdict that no longer applies: the reply changed, a moderator decided, or it is gone. */
export class OutdatedVerdictError extends ConflictError {}

/** An undo finds the reply changed since the batch decided on it: it is reported, never overwritten. */
export class ChangedSinceBatchError extends ConflictError {}

/** The last bulk decision on a reply: what an undo of that batch needs. */
export interface BatchMark {
  batchId: string;
  /** Stream version of the batch's decision. */
  version: number;
  /** Where the batch found the reply. */
  previousStatus: ReplyStatus;
  /** An edit of the published reply was waiting for its verdict then (the batch's decision made that verdict moot). */
  revisionAwaitingVerdict: boolean;
  /** Its undo has put the reply back. */
  restored: boolean;
}

const MODERATED_STATUS: Record<ModeratorAction, ReplyStatus> = { approve: 'published', reject: 'rejected', spam: 'spam' };

/** How public a status is: a verdict after a moderator's decision may only lower it. */
const publicity = (status: ReplyStatus): number => (status === 'published' ? 2 : status === 'checking' || status === 'pending' ? 1 : 0);

/**
 * Where a verdict takes a reply that no moderator has decided on, from where it stood. Pure, so
 * a what-if replay (docs/decisions/0033) says where another verdict would have taken it.
 */
export function statusAfterVerdict(before: ReplyStatus, decision: VerdictDecision): ReplyStatus {
  if (decision === 'reject') return 'rejected';
  if (decision === 'spam') return 'spam';
  // A pre-moderated or held reply waits for a human whatever the score.
  if (before === 'pending') return 'pending';
  return decision === 'publish' ? 'published' : 'pending';
}

/** What an undo must find untouched since its batch (flags, reactions and appeals leave it as it was). */
const CHANGES_STATUS_OR_TEXT = new Set<ReplyEvent['type']>(['reply.submitted', 'reply.edited', 'reply.retracted', 'reply.screened', 'reply.moderated', 'reply.erased']);

export interface SubmitReply {
  replyId: string;
  article: Article;
  /** The parent reply, loaded, when this answers another reply. */
  parent?: Reply;
  author: Actor;
  body: string;
  /** The form's hidden field came back filled. */
  honeypot?: boolean;
  /** How the site treats the author: premod holds their replies, trusted skips the article's pre-moderation. */
  standing?: CommenterStanding;
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
  /** Stream version of its current text (the submission or the last edit). */
  textVersion = 0;
  /** The version the last accepted verdict scored. */
  verdictVersion = 0;
  /** Stream version of the last moderator's decision; 0 if none. */
  moderatedVersion = 0;
  featured = false;
  honeypot = false;
  /** `open` from the author's appeal until a moderator's decision settles it; then `settled`, for good. */
  appeal: 'none' | 'open' | 'settled' = 'none';
  /** The last bulk decision on it, if any. */
  lastBatch: BatchMark | null = null;
  /** Stream version of the last event that changed its status or text. */
  changedVersion = 0;
  /** When a moderator last decided on it, one by one or in bulk (`decidedAt`); null if never. */
  lastDecidedAt: string | null = null;
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
      if (parent.status === 'retracted' || parent.status === 'removed' || parent.status === 'rejected' || parent.status === 'spam') {
        throw new RuleViolationError(`the parent reply was ${parent.status}`, 'parentId');
      }
    }
    const depth = parent ? parent.depth + 1 : 1;
    article.assertAcceptsReply({ asGuest: input.author.kind === 'guest', depth, now });

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
        ...(input.honeypot ? { honeypot: true as const } : {}),
        status: Reply.heldForHuman(article, input.standing ?? 'normal') ? 'pending' : 'checking',
      },
    });
    return reply;
  }

  /** Held for a moderator whatever the checks say: a pre-moderated article, or a commenter on premod. */
  private static heldForHuman(article: Article, standing: CommenterStanding): boolean {
    if (standing === 'premod') return true;
    return article.settings.moderation === 'pre' && standing !== 'trusted';
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

  /** Its latest text has had neither a verdict nor a moderator's decision yet. */
  get textAwaitingVerdict(): boolean {
    return this.textVersion > Math.max(this.verdictVersion, this.moderatedVersion);
  }

  /** An edit of its public text is waiting for a verdict: readers still see the text before it. */
  get revisionAwaitingVerdict(): boolean {
    return this.status === 'published' && this.textVersion > 1 && this.textAwaitingVerdict;
  }

  /**
   * Records screening's verdict on the version it scored (docs/moderation-states.md). Refused
   * for an outdated version, after a moderator's decision on it, and once retracted or
   * removed; a second verdict on the same version records nothing.
   */
  screen(verdict: Verdict, now: Date): void {
    if (this.status === 'retracted' || this.status === 'removed') throw new OutdatedVerdictError(`the reply was ${this.status}`);
    if (verdict.scoredVersion !== this.textVersion) throw new OutdatedVerdictError(`version ${verdict.scoredVersion} was replaced by version ${this.textVersion}, which waits for its own verdict`);
    if (this.moderatedVersion >= verdict.scoredVersion) throw new OutdatedVerdictError('a moderator decided on this version; no verdict overrides them');
    if (this.verdictVersion >= verdict.scoredVersion) return;
    let status = statusAfterVerdict(this.status, verdict.decision);
    // Once a moderator has decided, a verdict on a later edit may take a published reply down,
    // and changes nothing else: what a moderator refused stays refused, as they refused it.
    if (this.moderatedVersion > 0 && (this.status !== 'published' || publicity(status) > publicity(this.status))) status = this.status;
    this.record({
      type: 'reply.screened',
      schemaVersion: 1,
      data: { replyId: this.id, articleId: this.articleId, ...verdict, status, previousStatus: this.status, screenedAt: now.toISOString() },
    });
  }


  /**
   * A moderator's decision; `If-Match` is checked by the caller against the version they saw.
   * `reported`: readers flagged it to the threshold since the last decision (their flags are
   * streams of their own, so the caller says so), which lets a moderator approve a published
   * reply to answer them: it stays up, or comes back if the flags hid it.
   */
  moderate(action: ModeratorAction, reason: string | null, now: Date, batchId: string | null = null, reported = false): void {
    if (this.status === 'retracted' || this.status === 'removed') throw new RuleViolationError(`the reply was ${this.status}`);
    const status = MODERATED_STATUS[action];
    // A moderator's own decision answers an open appeal; a bulk action's does not (nobody read it).
    const settlesAppeal = this.appeal === 'open' && APPEALABLE.includes(this.status) && batchId === null;
    const answersReports = reported && action === 'approve' && this.status === 'published';
    // The same status again is a decision only on a text nobody has decided on yet (an edit),
    // on an appeal (upholding a refusal), or on readers' reports (keeping it up).
    if (status === this.status && !this.textAwaitingVerdict && !settlesAppeal && !answersReports) throw new RuleViolationError(`the reply is already ${status}`);
    const why = reason === null ? null : checkText(reason, { field: 'reason', what: 'a reason', max: MAX_REASON_LENGTH, multiline: true });
    this.record({
      type: 'reply.moderated',
      schemaVersion: 1,
      data: { replyId: this.id, articleId: this.articleId, action, reason: why, status, previousStatus: this.status, decidedAt: now.toISOString(), batchId, ...(settlesAppeal ? { settlesAppeal } : {}) },
    });
  }

  /**
   * A batch's undo: back to where the batch found it, only while nothing changed it since
   * (docs/moderation-states.md). A reply the batch found `checking` comes back held for a
   * human, since its verdict was refused once a moderator had decided.
   */
  restoreAfter(batchId: string, now: Date): void {
    const mark = this.lastBatch;
    if (mark === null || mark.batchId !== batchId) throw new ChangedSinceBatchError(mark === null ? 'the batch did not decide on this reply' : `batch ${mark.batchId} decided on it since`);
    if (this.changedVersion !== mark.version) throw new ChangedSinceBatchError(`the reply changed since the batch (now ${this.status})`);
    if (this.status === 'retracted' || this.status === 'removed') throw new ChangedSinceBatchError(`the reply was ${this.status}`);
    // What no check or human has passed goes to a human: a reply still checking, or an edit
    // waiting for the verdict the batch's decision made moot.
    const status: ReplyStatus = mark.previousStatus === 'checking' || mark.revisionAwaitingVerdict ? 'pending' : mark.previousStatus;
    this.record({
      type: 'reply.moderated',
      schemaVersion: 1,
      data: { replyId: this.id, articleId: this.articleId, action: 'restore', reason: null, status, previousStatus: this.status, decidedAt: now.toISOString(), batchId },
    });
  }

  /** Its author asks for a human to look again, once, while it is held or refused (docs/moderation-states.md). */
  appealBy(actor: Actor, note: string, now: Date): void {
    if (!this.isAuthoredBy(actor)) throw new ForbiddenError('only its author may appeal a decision on a reply');
    if (this.appeal !== 'none') throw new RuleViolationError(this.appeal === 'open' ? 'your appeal is waiting for a moderator' : 'the decision on your appeal was final');
    if (!APPEALABLE.includes(this.status)) throw new RuleViolationError(`a ${this.status} reply cannot be appealed; only a held, rejected or spam one`);
    const text = checkText(note, { field: 'note', what: 'an appeal', max: MAX_APPEAL_NOTE_LENGTH, multiline: true });
    this.record({
      type: 'reply.appealed',
      schemaVersion: 1,
      data: { replyId: this.id, articleId: this.articleId, commenterId: this.author.id, note: text, status: this.status, appealedAt: now.toISOString() },
    });
  }

  /** Featured replies come first; only a published reply can be featured. No change records nothing. */
  feature(featured: boolean, now: Date): void {
    if (featured && this.status !== 'published') throw new RuleViolationError('only a published reply can be featured');
    if (featured === this.featured) return;
    const at = now.toISOString();
    this.record(
      featured
        ? { type: 'reply.featured', schemaVersion: 1, data: { replyId: this.id, articleId: this.articleId, featuredAt: at } }
        : { type: 'reply.unfeatured', schemaVersion: 1, data: { replyId: this.id, articleId: this.articleId, unfeaturedAt: at } },
    );
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
    const { id, articleId, parentId, rootId, depth, author, body, status, submitted, textVersion, verdictVersion, moderatedVersion, featured, honeypot, appeal, lastBatch, changedVersion, lastDecidedAt } = this;
    return { id, articleId, parentId, rootId, depth, author, body, status, submitted, textVersion, verdictVersion, moderatedVersion, featured, honeypot, appeal, lastBatch, changedVersion, lastDecidedAt, submittedAt: this.submittedAt.toISOString() };
  }

  protected fromState(state: unknown): void {
    const s = state as ReturnType<Reply['toState']>;
    Object.assign(this, { ...s, submittedAt: new Date(s.submittedAt) });
  }

  protected when(event: ReplyEvent): void {
    if (CHANGES_STATUS_OR_TEXT.has(event.type)) this.changedVersion = this.version + 1;
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
        this.textVersion = this.version + 1;
        this.honeypot = d.honeypot === true;
        break;
      }
      case 'reply.edited':
        this.body = event.data.body;
        this.textVersion = this.version + 1;
        break;
      case 'reply.retracted':
        this.status = 'retracted';
        this.featured = false;
        break;
      case 'reply.screened':
        this.status = event.data.status;
        this.verdictVersion = event.data.scoredVersion;
        if (this.status !== 'published') this.featured = false;
        // An edit the checks published answers the appeal against the old text: nothing left to appeal.
        if (this.appeal === 'open' && !APPEALABLE.includes(this.status)) this.appeal = 'none';
        break;
      case 'reply.moderated':
        if (event.data.batchId !== null && event.data.action !== 'restore') {
          this.lastBatch = { batchId: event.data.batchId, version: this.version + 1, previousStatus: event.data.previousStatus, revisionAwaitingVerdict: this.revisionAwaitingVerdict, restored: false };
        }
        this.status = event.data.status;
        this.moderatedVersion = this.version + 1;
        this.lastDecidedAt = event.data.decidedAt;
        if (event.data.action === 'restore' && this.lastBatch?.batchId === event.data.batchId) this.lastBatch = { ...this.lastBatch, restored: true };
        if (this.status !== 'published') this.featured = false;
        if (event.data.settlesAppeal) this.appeal = 'settled';
        else if (this.appeal === 'open' && !APPEALABLE.includes(this.status)) this.appeal = 'none';
        break;
      case 'reply.appealed':
        this.appeal = 'open';
        break;
      case 'reply.featured':
        this.featured = true;
        break;
      case 'reply.unfeatured':
        this.featured = false;
        break;
      case 'reply.erased':
        this.status = 'removed';
        this.featured = false;
        this.body = '';
        this.author = { ...this.author, name: ERASED_AUTHOR_NAME };
        break;
    }
  }
}
