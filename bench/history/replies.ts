import { Actor, Article, DEFAULT_REPLY_SETTINGS, Reply } from '@app/domain';
import { commitId, EventMetadata } from '@app/event-store';
import { randomUUID } from 'node:crypto';
import { HistoryCommit } from '../rebuild/history';
import { Random } from '../rebuild/random';
import { replyText, Text } from '../rebuild/texts';

/** Articles taking replies at once; an older one is closed when a new one comes out. */
const OPEN_ARTICLES = 20;
/** Replies of an article that may still be answered, the latest kept. */
const ANSWERABLE_KEPT = 50;
/** Verdicts lag submissions by about this many commits, as the spam workers do under load. */
const VERDICT_LAG = 25;
const SCREENING: Actor = { kind: 'system', id: 'screening', name: 'screening' };
const ADMIN: Actor = { kind: 'admin', id: 'bench-admin', name: 'Admin' };
const MODERATOR: Actor = { kind: 'moderator', id: 'bench-moderator', name: 'Moderator' };

const byCommenter = (actor: Actor): EventMetadata => ({ actor: { kind: actor.kind, id: actor.id, name: '' }, correlationId: randomUUID(), causationId: null });
const byStaff = (actor: Actor, causationId: string | null = null): EventMetadata => ({ actor, correlationId: randomUUID(), causationId });

interface Open {
  article: Article;
  answerable: Reply[];
}

/**
 * Years of a site's replies in log order: `replies` replies over `articles` articles, each
 * article published as the last one fills, taking replies while it is among the newest 20 and
 * closed by an editor after. Two in five replies answer another. Each reply is screened a
 * little later (its text's real verdict: most published, some held, a few spam), and a
 * moderator decides what was held. This is the shape most of a comment store holds: the
 * realistic mix of reactions, flags and edits is `History`'s (bench/rebuild/history.ts).
 */
export function* replyHistory(replies: number, articles: number, commenters: Actor[]): Generator<HistoryCommit> {
  const random = new Random(20261206);
  let clock = Date.parse('2025-01-06T06:00:00Z');
  const open: Open[] = [];
  const toScreen: { reply: Reply; at: Open; text: Text }[] = [];
  const held: Reply[] = [];
  let published = 0;
  let submitted = 0;
  const commit = (streamId: string, versionBefore: number, events: HistoryCommit['events'], metadata: EventMetadata, dependsOn?: string[]): HistoryCommit => ({
    streamId,
    version: versionBefore + 1,
    events,
    metadata,
    ...(dependsOn ? { dependsOn } : {}),
    recordedAt: new Date(clock),
  });

  while (submitted < replies || toScreen.length || held.length) {
    // About fifteen seconds between commits: a million replies over about a year.
    clock += 1_000 + random.int(28_000);
    if (published < articles && submitted >= (published * replies) / articles) {
      const articleId = `history-article-${String(published).padStart(4, '0')}`;
      // Replies close by themselves ten years on (so none is due while the bench runs): the
      // open ones stay in the auto-close schedule, the closed ones leave it.
      const article = Article.publish({ articleId, title: `Article ${published}`, author: 'Newsroom', category: ['Local', 'Politics', 'Sport', 'Culture'][published % 4], body: ['First paragraph.', 'Second paragraph.'], settings: { autoCloseAfterDays: 3650 } }, new Date(clock));
      published += 1;
      open.push({ article, answerable: [] });
      yield commit(Article.streamId(articleId), 0, article.pullEvents(), byStaff(ADMIN));
      if (open.length > OPEN_ARTICLES) {
        const closing = open.shift()!.article;
        const before = closing.version;
        closing.changeSettings({ open: false });
        yield commit(Article.streamId(closing.id), before, closing.pullEvents(), byStaff(ADMIN));
      }
      continue;
    }
    if (toScreen.length > VERDICT_LAG || (toScreen.length > 0 && (submitted >= replies || random.chance(0.3)))) {
      const { reply, at, text } = toScreen.shift()!;
      const before = reply.version;
      reply.screen({ ...text.verdict, scoredVersion: 1 }, new Date(clock));
      yield commit(Reply.streamId(reply.id), before, reply.pullEvents(), byStaff(SCREENING, `${Reply.streamId(reply.id)}:1`));
      if (reply.status === 'pending') held.push(reply);
      if (reply.status === 'published' && reply.depth < DEFAULT_REPLY_SETTINGS.maxDepth) {
        at.answerable.push(reply);
        if (at.answerable.length > ANSWERABLE_KEPT) at.answerable.shift();
      }
      continue;
    }
    if (held.length > 0 && (submitted >= replies || random.chance(0.05))) {
      const reply = held.shift()!;
      const before = reply.version;
      const approve = random.chance(0.75);
      reply.moderate(approve ? 'approve' : 'reject', approve ? null : 'Breaks the house rules on civility.', new Date(clock), null, false);
      yield commit(Reply.streamId(reply.id), before, reply.pullEvents(), byStaff(MODERATOR));
      continue;
    }
    if (submitted >= replies) continue;
    const at = open[random.recent(open.length)];
    const parent = at.answerable.length && random.chance(0.4) ? at.answerable[random.recent(at.answerable.length)] : undefined;
    // Some commenters write far more than others.
    const author = commenters[Math.floor(commenters.length * random.next() ** 2)];
    const text = replyText(random, submitted);
    const reply = Reply.submit({ replyId: random.hex(12), article: at.article, parent, author, body: text.body, honeypot: false }, new Date(clock));
    submitted += 1;
    toScreen.push({ reply, at, text });
    const dependsOn = [commitId(Article.streamId(at.article.id), 1), ...(parent ? [commitId(Reply.streamId(parent.id), 1)] : [])];
    yield commit(Reply.streamId(reply.id), 0, reply.pullEvents(), byCommenter(author), dependsOn);
  }
}
