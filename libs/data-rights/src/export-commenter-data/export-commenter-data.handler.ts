import { reasonsForAuthor } from '@app/moderation';
import { Reaction, ReactionEvent, Reply, ReplyEvent } from '@app/domain';
import { EVENT_STORE, EventStore, realEvents, StoredEvent } from '@app/event-store';
import { Clock, CLOCK } from '@app/platform';
import { Inject } from '@nestjs/common';
import { IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { CommenterReplyList } from '../shared/commenter-replies';
import { CommenterDataExport, ExportCommenterDataQuery, ExportedChange, ExportedReactions, ExportedReply } from './export-commenter-data.query';

/** Reply streams read at once while exporting: well inside the connection pool. */
const PARALLEL_LOADS = 20;

@QueryHandler(ExportCommenterDataQuery)
export class ExportCommenterDataHandler implements IQueryHandler<ExportCommenterDataQuery> {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly lists: CommenterReplyList,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** From the reply streams themselves (the truth, decrypted), listed by the commenter ledger. */
  async execute({ commenterIds, replyIds }: ExportCommenterDataQuery): Promise<CommenterDataExport> {
    const ids = replyIds ?? (await Promise.all(commenterIds.map((id) => this.lists.of(id)))).flat();
    const replies: ExportedReply[] = [];
    for (let i = 0; i < ids.length; i += PARALLEL_LOADS) {
      const loaded = await Promise.all(ids.slice(i, i + PARALLEL_LOADS).map((id) => this.store.load<ReplyEvent>(Reply.streamId(id))));
      for (const stream of loaded) {
        // Without versions the sequencer filled as abandoned (decision 0037).
        const reply = exportOf(realEvents(stream.events));
        if (reply) replies.push(reply);
      }
    }
    // Reactions: each reply they reacted to is one small stream of theirs, listed by the ledger.
    const reactions: ExportedReactions[] = [];
    if (replyIds === undefined) {
      const refs = (await Promise.all(commenterIds.map(async (id) => (await this.lists.reactedTo(id)).map((ref) => ({ ...ref, commenterId: id }))))).flat();
      for (let i = 0; i < refs.length; i += PARALLEL_LOADS) {
        const slice = refs.slice(i, i + PARALLEL_LOADS);
        const loaded = await Promise.all(slice.map((ref) => this.store.load<ReactionEvent>(Reaction.streamId(ref.replyId, ref.commenterId))));
        loaded.forEach((stream, j) => reactions.push(reactionsOf(slice[j], realEvents(stream.events))));
      }
    }
    return { commenterId: commenterIds[0] ?? null, exportedAt: this.clock().toISOString(), replies, reactions };
  }
}

/** One reader's reactions on one reply, from their stream. */
export function reactionsOf(ref: { replyId: string; articleId: string }, events: StoredEvent<ReactionEvent>[]): ExportedReactions {
  const reaction = new Reaction().rehydrate(events.map((e) => e.event));
  return {
    replyId: ref.replyId,
    articleId: ref.articleId,
    types: [...reaction.types].sort(),
    history: events.map(({ event }) => ({ type: event.type, reaction: event.data.type, at: event.data.at })),
  };
}

/** A reply as its author may see it: every version and every change, by kind of actor. */
export function exportOf(events: StoredEvent<ReplyEvent>[]): ExportedReply | null {
  const first = events[0]?.event;
  if (first?.type !== 'reply.submitted') return null;
  const d = first.data;
  const out: ExportedReply = {
    id: d.replyId,
    articleId: d.articleId,
    parentId: d.parentId,
    authorName: d.author.name,
    status: d.status,
    submittedAt: d.submittedAt,
    versions: [{ version: events[0].version, at: d.submittedAt, body: d.body }],
    history: [],
  };
  for (const { event, version, metadata } of events) {
    const by: ExportedChange['by'] = metadata.actor.kind === 'system' ? { kind: 'system', rule: metadata.actor.id } : { kind: metadata.actor.kind };
    switch (event.type) {
      case 'reply.submitted':
        out.history.push({ version, type: event.type, at: event.data.submittedAt, status: event.data.status, by });
        break;
      case 'reply.edited':
        out.versions.push({ version, at: event.data.editedAt, body: event.data.body });
        out.history.push({ version, type: event.type, at: event.data.editedAt, by });
        break;
      case 'reply.retracted':
        out.status = 'retracted';
        out.history.push({ version, type: event.type, at: event.data.retractedAt, status: 'retracted', by });
        break;
      case 'reply.screened':
        out.status = event.data.status;
        out.history.push({ version, type: event.type, at: event.data.screenedAt, status: event.data.status, by, decision: event.data.decision, reasons: reasonsForAuthor(event.data.reasons) });
        break;
      case 'reply.moderated':
        out.status = event.data.status;
        out.history.push({ version, type: event.type, at: event.data.decidedAt, status: event.data.status, by, decision: event.data.settlesAppeal ? `appeal:${event.data.action}` : event.data.action, reasons: event.data.reason ? [{ code: 'moderator', detail: event.data.reason }] : [] });
        break;
      case 'reply.appealed':
        out.history.push({ version, type: event.type, at: event.data.appealedAt, status: event.data.status, by, note: event.data.note });
        break;
      case 'reply.erased':
        out.status = 'removed';
        out.history.push({ version, type: event.type, at: event.data.erasedAt, status: 'removed', by });
        break;
    }
  }
  return out;
}
