import { FlagEvent, ReplyEvent, ReplyStatus } from '@app/domain';
import { LogEntry } from '@app/event-store';
import { MessageEvent } from '@nestjs/common';
import { ModerationQueue } from '@app/read-models';

/** A change moderators' queues should show: which reply, how it moved, and which queues to refresh. */
export interface QueueChange {
  replyId: string;
  articleId: string;
  change: 'submitted' | 'screened' | 'moderated' | 'flagged' | 'retracted' | 'erased' | 'appealed';
  status: ReplyStatus | null;
  previousStatus: ReplyStatus | null;
  /** The moderator's action, when it is a decision. */
  action?: string;
  /** Queues the reply entered or left, or whose order changed. */
  queues: ModerationQueue[];
}

const held = (s: ReplyStatus | null): ModerationQueue[] => (s === 'pending' || s === 'spam' || s === 'rejected' ? [s] : []);

/**
 * Which queues a change can touch, from the event alone (no store read): the held queues by
 * status; a published reply that leaves `published`, or is decided on, leaves `reported` and
 * `approved`; an approval enters `approved`; a flag can put it in `reported` (at the
 * threshold, which the queue view counts).
 */
function touched(previous: ReplyStatus | null, status: ReplyStatus | null, action?: string): ModerationQueue[] {
  const queues = new Set<ModerationQueue>([...held(previous), ...held(status)]);
  if (previous === 'published' && (status !== 'published' || action)) queues.add('reported').add('approved');
  if (action === 'approve') queues.add('approved');
  return [...queues];
}

function changeOf(event: ReplyEvent | FlagEvent): QueueChange | null {
  const base = { replyId: event.data.replyId, articleId: event.data.articleId };
  switch (event.type) {
    case 'reply.submitted':
      return event.data.status === 'pending' ? { ...base, change: 'submitted', status: 'pending', previousStatus: null, queues: ['pending'] } : null;
    case 'reply.screened':
      return { ...base, change: 'screened', status: event.data.status, previousStatus: event.data.previousStatus, queues: touched(event.data.previousStatus, event.data.status) };
    case 'reply.moderated': {
      const { status, previousStatus, action } = event.data;
      // Deciding an appeal takes the reply out of appeals, wherever it goes.
      const queues = touched(previousStatus, status, action);
      return { ...base, change: 'moderated', status, previousStatus, action, queues: event.data.settlesAppeal ? [...queues, 'appeals'] : queues };
    }
    case 'reply.appealed':
      return { ...base, change: 'appealed', status: event.data.status, previousStatus: event.data.status, queues: ['appeals', ...held(event.data.status)] };
    case 'reply.retracted':
      return { ...base, change: 'retracted', status: 'retracted', previousStatus: event.data.previousStatus, queues: touched(event.data.previousStatus, 'retracted') };
    case 'reply.erased':
      return { ...base, change: 'erased', status: 'removed', previousStatus: event.data.previousStatus, queues: touched(event.data.previousStatus, 'removed') };
    case 'reply.flagged':
      return { ...base, change: 'flagged', status: null, previousStatus: null, queues: ['reported'] };
    default:
      return null;
  }
}

/**
 * What the moderation stream sends for a log entry: one `queue` event per entry (a commit is
 * one stream, so one reply), the last change in it that touches a queue. No text and no names:
 * moderators read those from the queue itself.
 */
export function renderQueueChange(entry: LogEntry): Omit<MessageEvent, 'id'> | null {
  const changes = (entry.events as (ReplyEvent | FlagEvent)[]).map(changeOf).filter((c): c is QueueChange => c !== null && c.queues.length > 0);
  if (changes.length === 0) return null;
  const last = changes[changes.length - 1];
  return { type: 'queue', data: { ...last, queues: [...new Set(changes.flatMap((c) => c.queues))] } };
}
