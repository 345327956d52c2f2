import { answersFlags, APPEALABLE, ERASED_AUTHOR_NAME, FlagEvent, NO_FLAGS, noReactions, ReactionEvent, ReplyEvent, ReplyStatus, tallyFlag } from '@app/domain';
import { ViewCollections } from '../versions';
import { ReplyDetail, ReplyHistoryEntry } from './documents';
import { UnappliableEventError } from './errors';
import { EventAt, Projection, ProjectionStore } from './projection';

/**
 * The status and the text readers see after a change to `status`: the latest text once
 * published, none while readers' flags hide it.
 */
function shown(doc: ReplyDetail, status: ReplyStatus): Pick<ReplyDetail, 'status' | 'publicBody' | 'featured'> {
  return { status, publicBody: status === 'published' && !doc.flags?.hidden ? doc.body : '', featured: status === 'published' && doc.featured };
}

/** A moderator's decision answers readers' flags: they count afresh from it. */
function answered({ flags: _, ...doc }: ReplyDetail): ReplyDetail {
  return doc as ReplyDetail;
}

/** One document per reply with its whole history, for authors, moderators and admins. */
export class ReplyDetailProjection implements Projection {
  readonly name = 'reply-details';
  /**
   * 2: verdicts, moderators' decisions and featuring; the text readers see kept apart from the latest. 3: appeals.
   * 4: readers' reactions, counted per type (its rebuild also applies appeals closed by a verdict or decision).
   * 5: readers' flags since the last decision, and whether they hid the reply (docs/decisions/0030).
   */
  readonly version = 5;
  readonly collections = [ViewCollections.replyDetails];

  async apply(at: EventAt, store: ProjectionStore): Promise<void> {
    const reacted = at.event as ReactionEvent;
    if (reacted.type === 'reply.reacted' || reacted.type === 'reply.unreacted') {
      // The reader's own stream: the reply's version (its ETag) and history stay as they are.
      const { replyId, type } = reacted.data;
      const by = reacted.type === 'reply.reacted' ? 1 : -1;
      await store.update<ReplyDetail>(ViewCollections.replyDetails, replyId, at, (doc) => {
        if (!doc) throw new UnappliableEventError(at, 'the reply is not in the view');
        const reactions = { ...noReactions(), ...doc.reactions };
        return { ...doc, reactions: { ...reactions, [type]: Math.max(0, reactions[type] + by) } };
      });
      return;
    }
    const flagged = at.event as FlagEvent;
    if (flagged.type === 'reply.flagged') {
      // Also the reader's own stream: counted as the thread counts it, the version left alone.
      await store.update<ReplyDetail>(ViewCollections.replyDetails, flagged.data.replyId, at, (doc) => {
        if (!doc) throw new UnappliableEventError(at, 'the reply is not in the view');
        const flags = tallyFlag(doc.flags ?? NO_FLAGS, flagged.data, doc.status === 'published');
        return { ...doc, flags, publicBody: flags.hidden ? '' : doc.publicBody };
      });
      return;
    }
    const event = at.event as ReplyEvent;
    if (!event.type.startsWith('reply.')) return;
    const version = at.entry.version + at.index;
    const actor = { kind: at.entry.metadata.actor.kind, name: at.entry.metadata.actor.name };
    // A stream's events are sequenced in version order: the submission is always there first.
    const existing = (doc: ReplyDetail | null) => {
      if (!doc) throw new UnappliableEventError(at, 'the reply is not in the view');
      return doc;
    };
    const step = (doc: ReplyDetail, entry: Omit<ReplyHistoryEntry, 'version' | 'type' | 'actor'>) => ({
      ...doc,
      version,
      history: [...doc.history, { version, type: event.type, actor, ...entry }],
    });
    switch (event.type) {
      case 'reply.submitted': {
        const d = event.data;
        await store.update<ReplyDetail>(ViewCollections.replyDetails, d.replyId, at, () => ({
          _id: d.replyId,
          articleId: d.articleId,
          parentId: d.parentId,
          rootId: d.rootId,
          depth: d.depth,
          author: d.author,
          body: d.body,
          publicBody: d.status === 'published' ? d.body : '',
          status: d.status,
          featured: false,
          verdict: null,
          decision: null,
          submittedAt: d.submittedAt,
          editedAt: null,
          reactions: noReactions(),
          version,
          history: [{ version, type: event.type, actor, at: d.submittedAt, body: d.body, status: d.status }],
        }));
        return;
      }
      case 'reply.edited':
        await store.update<ReplyDetail>(ViewCollections.replyDetails, event.data.replyId, at, (doc) => ({
          ...step(existing(doc), { at: event.data.editedAt, body: event.data.body }),
          body: event.data.body,
          editedAt: event.data.editedAt,
        }));
        return;
      case 'reply.retracted':
        await store.update<ReplyDetail>(ViewCollections.replyDetails, event.data.replyId, at, (doc) => ({
          ...step(existing(doc), { at: event.data.retractedAt, status: 'retracted' }),
          status: 'retracted',
          publicBody: '',
          featured: false,
        }));
        return;
      case 'reply.screened': {
        const { decision, score, reasons, policyVersion, modelVersion, scoredVersion, status, screenedAt } = event.data;
        await store.update<ReplyDetail>(ViewCollections.replyDetails, event.data.replyId, at, (doc) => {
          const next = step(existing(doc), { at: screenedAt, status });
          // As in the domain: a verdict that publishes an edit leaves no appeal open.
          const appeal = next.appeal?.status === 'open' && !APPEALABLE.includes(status) ? null : (next.appeal ?? null);
          return { ...next, ...shown(next, status), verdict: { decision, score, reasons, policyVersion, modelVersion, scoredVersion }, appeal };
        });
        return;
      }
      case 'reply.moderated': {
        const { action, reason, status, decidedAt, batchId } = event.data;
        await store.update<ReplyDetail>(ViewCollections.replyDetails, event.data.replyId, at, (doc) => {
          const stepped = step(existing(doc), { at: decidedAt, status });
          const next = answersFlags(event.data) ? answered(stepped) : stepped;
          const open = next.appeal?.status === 'open';
          const appeal =
            event.data.settlesAppeal && next.appeal ? { ...next.appeal, status: 'settled' as const, decidedAt } : open && !APPEALABLE.includes(status) ? null : (next.appeal ?? null);
          return { ...next, ...shown(next, status), decision: { action, reason, batchId, at: decidedAt }, appeal };
        });
        return;
      }
      case 'reply.appealed': {
        const { note, appealedAt } = event.data;
        await store.update<ReplyDetail>(ViewCollections.replyDetails, event.data.replyId, at, (doc) => ({
          ...step(existing(doc), { at: appealedAt }),
          appeal: { status: 'open', note, at: appealedAt, decidedAt: null },
        }));
        return;
      }
      case 'reply.featured':
      case 'reply.unfeatured': {
        const featured = event.type === 'reply.featured';
        await store.update<ReplyDetail>(ViewCollections.replyDetails, event.data.replyId, at, (doc) => ({ ...step(existing(doc), { at: 'featuredAt' in event.data ? event.data.featuredAt : event.data.unfeaturedAt }), featured }));
        return;
      }
      case 'reply.erased':
        // Every version's text goes with the author's key; the history keeps its shape.
        await store.update<ReplyDetail>(ViewCollections.replyDetails, event.data.replyId, at, (doc) => {
          const erased = step(existing(doc), { at: event.data.erasedAt, status: 'removed' });
          return {
            ...erased,
            author: { ...erased.author, name: ERASED_AUTHOR_NAME },
            body: '',
            publicBody: '',
            featured: false,
            status: 'removed',
            history: erased.history.map((h) => (h.body === undefined ? h : { ...h, body: '' })),
            appeal: erased.appeal ? { ...erased.appeal, note: '' } : null,
          };
        });
        return;
    }
  }
}
