import { Actor, Article, DEFAULT_REPLY_SETTINGS, DomainEvent, Flag, Reaction, REACTION_TYPES, Reply } from '@app/domain';
import { commitId, EventMetadata } from '@app/event-store';
import { DEFAULT_POLICY } from '@app/moderation';
import { randomUUID } from 'node:crypto';
import { Random } from './random';
import { replyText, Text } from './texts';

/** One command's events as the API, the spam worker or a moderator would append them. */
export interface HistoryCommit {
  streamId: string;
  /** Stream version of its first event. */
  version: number;
  events: DomainEvent[];
  metadata: EventMetadata;
  dependsOn?: string[];
  recordedAt: Date;
}

export const ARTICLES = 300;
/** Replies nest at most this deep (the default settings). */
const MAX_DEPTH = DEFAULT_REPLY_SETTINGS.maxDepth;
/** Verdicts lag submissions by about this many commits, as the spam workers do under load. */
const VERDICT_LAG = 25;
const SCREENING: Actor = { kind: 'system', id: 'screening', name: 'screening' };
const MODERATORS: Actor[] = [1, 2, 3].map((i) => ({ kind: 'moderator', id: `bench-moderator-${i}`, name: `Moderator ${i}` }));
const FLAG_POLICY = { version: DEFAULT_POLICY.version, flagThreshold: DEFAULT_POLICY.flags.threshold, hideAtThreshold: DEFAULT_POLICY.flags.hideAtThreshold };

/** A person's name is personal data: metadata carries only their commenter id (as `metadataFor` does). */
const byCommenter = (actor: Actor): EventMetadata => ({ actor: { kind: actor.kind, id: actor.id, name: '' }, correlationId: randomUUID(), causationId: null });
const byStaff = (actor: Actor, causationId: string | null = null): EventMetadata => ({ actor, correlationId: randomUUID(), causationId });

interface ArticleState {
  article: Article;
  /** Published replies of it that may still be answered, the latest last. */
  answerable: string[];
}

interface ReplyState {
  reply: Reply;
  article: ArticleState;
  /** Screening's verdict on its current text. */
  verdict: Text['verdict'];
  /** Counted as published once: in `visible` and `answerable`. */
  shown: boolean;
  flags: number;
  reactors: number;
}

/**
 * A site's history in log order, `events` events long: a few hundred articles published over
 * the first part, replies submitted (two in five nested), screened a little later (the text's
 * real verdict: most published, some held, a few spam), readers' reactions (some taken back)
 * and flags, authors' edits (screened again) and retractions, moderators deciding what was held
 * or reported, appeals, featured replies, and a few articles closed. Every event is made by the
 * domain's own aggregates, so the projections apply it as they would live events.
 */
export class History {
  private readonly random = new Random(20261128);
  private readonly articles: ArticleState[] = [];
  private readonly open: ArticleState[] = [];
  private readonly replies = new Map<string, ReplyState>();
  /** Published replies, the latest last: what readers react to and flag. */
  private readonly visible: string[] = [];
  private readonly toScreen: { replyId: string; version: number }[] = [];
  private screenedUpTo = 0;
  /** Held, reported or appealed: what moderators look at next. */
  private readonly forModerators: string[] = [];
  private readonly rejected: string[] = [];
  /** Submissions still inside their author's edit window. */
  private readonly recent: { replyId: string; at: number }[] = [];
  private readonly toTakeBack: { reaction: Reaction; streamId: string; replyId: string; reader: Actor; type: (typeof REACTION_TYPES)[number] }[] = [];
  private clock = Date.parse('2026-01-05T06:00:00Z');
  private emitted = 0;
  private replyCount = 0;

  private readonly byId: Map<string, Actor>;

  constructor(
    private readonly total: number,
    /** The commenters (their ids are their data keys'): readers, and a tenth guests. */
    private readonly commenters: Actor[],
  ) {
    this.byId = new Map(commenters.map((c) => [c.id, c]));
  }

  *commits(): Generator<HistoryCommit> {
    while (this.emitted < this.total) {
      const commit = this.step();
      if (!commit) continue;
      this.emitted += commit.events.length;
      yield commit;
    }
  }

  private get now(): Date {
    return new Date(this.clock);
  }

  /** One commit, or null when the action chosen had nothing to act on. */
  private step(): HistoryCommit | null {
    // About two seconds between commits: a busy site.
    this.clock += 200 + this.random.int(3_600);
    // Articles come out over the first 60% of the history, so late threads are shorter.
    if (this.articles.length < Math.min(ARTICLES, 1 + Math.floor((ARTICLES * this.emitted) / (0.6 * this.total)))) return this.publish();
    const waiting = this.toScreen.length - this.screenedUpTo;
    if (waiting > VERDICT_LAG || (waiting > 0 && this.random.chance(0.3))) return this.screen();
    const r = this.random.next();
    if (r < 0.38) return this.submit();
    if (r < 0.78) return this.react() ?? this.submit();
    if (r < 0.81) return this.flag();
    if (r < 0.84) return this.edit();
    if (r < 0.9) return this.moderate();
    if (r < 0.92) return this.takeBack();
    if (r < 0.93) return this.retract();
    if (r < 0.935) return this.appeal();
    if (r < 0.94) return this.feature();
    if (r < 0.9405) return this.close();
    return this.submit();
  }

  private commit(streamId: string, versionBefore: number, events: DomainEvent[], metadata: EventMetadata, dependsOn?: string[]): HistoryCommit {
    return { streamId, version: versionBefore + 1, events, metadata, ...(dependsOn ? { dependsOn } : {}), recordedAt: this.now };
  }

  private publish(): HistoryCommit {
    const n = this.articles.length;
    const articleId = `bench-article-${String(n).padStart(4, '0')}`;
    // One in ten pre-moderated: every reply held for a moderator.
    const settings = n % 10 === 3 ? { moderation: 'pre' as const } : {};
    const article = Article.publish({ articleId, title: `Article ${n}`, author: 'Newsroom', category: ['Local', 'Politics', 'Sport', 'Culture'][n % 4], body: ['First paragraph.', 'Second paragraph.'], settings }, this.now);
    const state = { article, answerable: [] };
    this.articles.push(state);
    this.open.push(state);
    return this.commit(Article.streamId(articleId), 0, article.pullEvents(), byStaff({ kind: 'admin', id: 'bench-admin', name: 'Admin' }));
  }

  private commenter(): Actor {
    // Some commenters write far more than others.
    return this.commenters[Math.floor(this.commenters.length * this.random.next() ** 2)];
  }

  private submit(): HistoryCommit {
    const at = this.open[this.random.recent(this.open.length)];
    let parent: ReplyState | undefined;
    if (at.answerable.length && this.random.chance(0.4)) {
      const candidate = this.replies.get(at.answerable[this.random.recent(at.answerable.length)])!;
      if (candidate.reply.status === 'published' && candidate.reply.depth < MAX_DEPTH) parent = candidate;
    }
    const author = this.commenter();
    const replyId = this.random.hex(12);
    const text = replyText(this.random, this.replyCount++);
    const reply = Reply.submit({ replyId, article: at.article, parent: parent?.reply, author, body: text.body, honeypot: this.random.chance(0.003) }, this.now);
    const events = reply.pullEvents();
    this.replies.set(replyId, { reply, article: at, verdict: text.verdict, shown: false, flags: 0, reactors: 0 });
    this.toScreen.push({ replyId, version: 1 });
    this.recent.push({ replyId, at: this.clock });
    const dependsOn = [commitId(Article.streamId(at.article.id), 1), ...(parent ? [commitId(Reply.streamId(parent.reply.id), 1)] : [])];
    return this.commit(Reply.streamId(replyId), 0, events, byCommenter(author), dependsOn);
  }

  /** The spam worker's verdict on the oldest version waiting; one replaced by an edit meanwhile is dropped. */
  private screen(): HistoryCommit | null {
    const { replyId, version } = this.toScreen[this.screenedUpTo++];
    // Forget what was screened now and then, so the queue does not grow with the history.
    if (this.screenedUpTo > 10_000) (this.toScreen.splice(0, this.screenedUpTo), (this.screenedUpTo = 0));
    const state = this.replies.get(replyId)!;
    const { reply } = state;
    if (reply.textVersion !== version || reply.status === 'retracted' || reply.moderatedVersion >= version) return null;
    const before = reply.version;
    reply.screen({ ...state.verdict, scoredVersion: version }, this.now);
    const events = reply.pullEvents();
    if (events.length === 0) return null;
    this.afterStatusChange(state);
    return this.commit(Reply.streamId(replyId), before, events, byStaff(SCREENING, `${Reply.streamId(replyId)}:${version}`));
  }

  /** Published: readers may see, answer, react to and flag it. Held: a moderator will look. */
  private afterStatusChange(state: ReplyState): void {
    const { reply } = state;
    if (reply.status === 'published' && !state.shown) {
      state.shown = true;
      this.visible.push(reply.id);
      if (reply.depth < MAX_DEPTH) state.article.answerable.push(reply.id);
    }
    if (reply.status === 'pending') this.forModerators.push(reply.id);
    if (reply.status === 'rejected' || reply.status === 'spam') this.rejected.push(reply.id);
  }

  private pickVisible(): ReplyState | null {
    if (this.visible.length === 0) return null;
    const state = this.replies.get(this.visible[this.random.recent(this.visible.length)])!;
    return state.reply.status === 'published' ? state : null;
  }

  /** The n-th distinct reader of a reply other than its author: one stream per reader and reply. */
  private nthReader(state: ReplyState, n: number): Actor | null {
    const count = this.commenters.length;
    if (n >= count - 1) return null;
    const start = parseInt(state.reply.id.slice(0, 6), 16);
    // A step prime to the count visits every commenter once.
    const reader = this.commenters[(start + n * 7919) % count];
    return reader.id === state.reply.author.id ? this.commenters[(start + (count - 1) * 7919) % count] : reader;
  }

  private react(): HistoryCommit | null {
    const state = this.pickVisible();
    if (!state) return null;
    const reader = this.nthReader(state, state.reactors);
    if (!reader) return null;
    state.reactors += 1;
    const reaction = new Reaction();
    const type = this.random.next() < 0.7 ? 'like' : this.random.pick(REACTION_TYPES);
    reaction.react(state.reply, reader, type, this.now);
    const streamId = Reaction.streamId(state.reply.id, reader.id);
    // One in twenty is taken back later.
    if (this.random.chance(0.05)) this.toTakeBack.push({ reaction, streamId, replyId: state.reply.id, reader, type });
    return this.commit(streamId, 0, reaction.pullEvents(), byCommenter(reader), [commitId(Reply.streamId(state.reply.id), 1)]);
  }

  private takeBack(): HistoryCommit | null {
    const taken = this.toTakeBack.shift();
    if (!taken) return this.react();
    const before = taken.reaction.version;
    taken.reaction.unreact(this.replies.get(taken.replyId)!.reply, taken.reader, taken.type, this.now);
    return this.commit(taken.streamId, before, taken.reaction.pullEvents(), byCommenter(taken.reader));
  }

  private flag(): HistoryCommit | null {
    const state = this.pickVisible();
    if (!state) return null;
    const flagger = this.nthReader(state, state.reactors + state.flags + 500);
    if (!flagger) return null;
    state.flags += 1;
    const flag = new Flag();
    const note = this.random.chance(0.3) ? 'This is not what the article is about.' : null;
    flag.raise(state.reply, flagger, this.random.pick(['spam', 'abuse', 'off-topic', 'other'] as const), note, this.now, FLAG_POLICY);
    // At the threshold the reply is reported: a moderator answers the flags.
    if (state.flags === FLAG_POLICY.flagThreshold) this.forModerators.push(state.reply.id);
    return this.commit(Flag.streamId(state.reply.id, flagger.id), 0, flag.pullEvents(), byCommenter(flagger), [commitId(Reply.streamId(state.reply.id), 1)]);
  }

  /** A reply still inside its author's edit window, or null. */
  private recentReply(): ReplyState | null {
    const windowMs = DEFAULT_REPLY_SETTINGS.editWindowMinutes * 60_000;
    while (this.recent.length && this.recent[0].at < this.clock - windowMs + 60_000) this.recent.shift();
    if (this.recent.length === 0) return null;
    const state = this.replies.get(this.random.pick(this.recent).replyId)!;
    const { status } = state.reply;
    return status === 'retracted' || status === 'removed' ? null : state;
  }

  private authorOf(state: ReplyState): Actor {
    return this.byId.get(state.reply.author.id)!;
  }

  private edit(): HistoryCommit | null {
    const state = this.recentReply();
    if (!state) return this.submit();
    const before = state.reply.version;
    const text = replyText(this.random, this.replyCount++);
    state.reply.edit(this.authorOf(state), text.body, this.now, state.article.article);
    state.verdict = text.verdict;
    const events = state.reply.pullEvents();
    this.toScreen.push({ replyId: state.reply.id, version: state.reply.textVersion });
    return this.commit(Reply.streamId(state.reply.id), before, events, byCommenter(this.authorOf(state)));
  }

  private retract(): HistoryCommit | null {
    const state = this.recentReply();
    if (!state) return this.submit();
    const before = state.reply.version;
    state.reply.retract(this.authorOf(state), this.now, state.article.article);
    return this.commit(Reply.streamId(state.reply.id), before, state.reply.pullEvents(), byCommenter(this.authorOf(state)));
  }

  /** A moderator's decision on the next held, reported or appealed reply. */
  private moderate(): HistoryCommit | null {
    const replyId = this.forModerators.shift();
    if (!replyId) return this.react();
    const state = this.replies.get(replyId)!;
    const { reply } = state;
    const before = reply.version;
    const reported = state.flags >= FLAG_POLICY.flagThreshold;
    const r = this.random.next();
    const action = reply.appeal === 'open' ? (r < 0.4 ? 'approve' : 'reject') : reply.status === 'published' ? (r < 0.6 ? 'approve' : 'reject') : r < 0.75 ? 'approve' : r < 0.95 ? 'reject' : 'spam';
    const reason = action === 'approve' ? null : 'Breaks the house rules on civility.';
    try {
      reply.moderate(action, reason, this.now, null, reported);
    } catch {
      return null; // retracted meanwhile, or already where the decision would put it
    }
    this.afterStatusChange(state);
    return this.commit(Reply.streamId(replyId), before, reply.pullEvents(), byStaff(this.random.pick(MODERATORS)));
  }

  /** A third of refused authors appeal; a moderator looks again. */
  private appeal(): HistoryCommit | null {
    const replyId = this.rejected.shift();
    if (!replyId) return this.react();
    const state = this.replies.get(replyId)!;
    if (state.reply.appeal !== 'none' || !this.random.chance(0.33)) return null;
    const before = state.reply.version;
    try {
      state.reply.appealBy(this.authorOf(state), 'I think this was a mistake: please read it again.', this.now);
    } catch {
      return null;
    }
    this.forModerators.push(replyId);
    return this.commit(Reply.streamId(replyId), before, state.reply.pullEvents(), byCommenter(this.authorOf(state)));
  }

  private feature(): HistoryCommit | null {
    const state = this.pickVisible();
    if (!state || state.reply.depth !== 1 || state.reply.featured) return null;
    const before = state.reply.version;
    state.reply.feature(true, this.now);
    return this.commit(Reply.streamId(state.reply.id), before, state.reply.pullEvents(), byStaff(this.random.pick(MODERATORS)));
  }

  /** The oldest open article stops taking replies (an editor's choice). */
  private close(): HistoryCommit | null {
    if (this.open.length < ARTICLES / 2) return null;
    const state = this.open.shift()!;
    const before = state.article.version;
    state.article.changeSettings({ open: false });
    return this.commit(Article.streamId(state.article.id), before, state.article.pullEvents(), byStaff({ kind: 'admin', id: 'bench-admin', name: 'Admin' }));
  }
}
