import { ERASED_AUTHOR_NAME, ReplyEvent, ReplyStatus } from '@app/domain';
import { StoredEvent } from '@app/event-store';

/** What readers may see of a reply on the live stream: the thread's public fields, never more. */
export interface PublicReply {
  id: string;
  parentId: string | null;
  /** `hidden`: it was public and is taken down (held, rejected or spam); a placeholder like retracted and removed. */
  status: 'published' | 'retracted' | 'removed' | 'hidden';
  /** Null on a placeholder. */
  author: { name: string } | null;
  /** The published text; '' on a placeholder. */
  body: string;
  featured: boolean;
  submittedAt: string;
  /** When the published text was written, if it is an edit. */
  editedAt: string | null;
}

/** A reply's public side, folded from its own events. */
interface Fold {
  id: string;
  parentId: string | null;
  name: string;
  status: ReplyStatus;
  /** The latest text and when it was written (an edit waits for its verdict before readers see it). */
  body: string;
  bodyEditedAt: string | null;
  publicBody: string;
  publicEditedAt: string | null;
  featured: boolean;
  submittedAt: string;
  everPublished: boolean;
}

const EMPTY: Fold = { id: '', parentId: null, name: '', status: 'checking', body: '', bodyEditedAt: null, publicBody: '', publicEditedAt: null, featured: false, submittedAt: '', everPublished: false };

function publish(f: Fold, status: ReplyStatus): Fold {
  return status === 'published'
    ? { ...f, status, publicBody: f.body, publicEditedAt: f.bodyEditedAt, everPublished: true }
    : { ...f, status, publicBody: '', featured: false };
}

/** The same rules as the reply-detail view's `publicBody`: the text last published, only while published. */
export function foldReply(f: Fold, event: ReplyEvent): Fold {
  switch (event.type) {
    case 'reply.submitted': {
      const d = event.data;
      return publish({ ...f, id: d.replyId, parentId: d.parentId, name: d.author.name, body: d.body, submittedAt: d.submittedAt }, d.status);
    }
    case 'reply.edited':
      return { ...f, body: event.data.body, bodyEditedAt: event.data.editedAt };
    case 'reply.screened':
    case 'reply.moderated':
      return publish(f, event.data.status);
    case 'reply.retracted':
      return publish(f, 'retracted');
    case 'reply.erased':
      return { ...publish(f, 'removed'), name: ERASED_AUTHOR_NAME, body: '' };
    case 'reply.featured':
      return { ...f, featured: f.status === 'published' };
    case 'reply.unfeatured':
      return { ...f, featured: false };
    default:
      return f;
  }
}

/** A reply never published never shows; once it has been, it shows as itself or as a placeholder. */
export function publicView(f: Fold, erasedSince: boolean): PublicReply | null {
  if (!f.everPublished) return null;
  const base = { id: f.id, parentId: f.parentId, submittedAt: f.submittedAt };
  // Text from before an erasure reads empty: never show a published reply of an erased author.
  if (f.status === 'published' && !erasedSince) {
    return { ...base, status: 'published', author: { name: f.name }, body: f.publicBody, featured: f.featured, editedAt: f.publicEditedAt };
  }
  const status = erasedSince || f.status === 'removed' ? 'removed' : f.status === 'retracted' ? 'retracted' : 'hidden';
  return { ...base, status, author: null, body: '', featured: false, editedAt: null };
}

/** Events that can change what readers see; anything else is skipped without reading the stream. */
export function mayChangePublicView(event: ReplyEvent): boolean {
  switch (event.type) {
    case 'reply.submitted':
      return event.data.status === 'published';
    case 'reply.screened':
    case 'reply.moderated':
      return event.data.status === 'published' || event.data.previousStatus === 'published';
    case 'reply.retracted':
    case 'reply.erased':
    case 'reply.featured':
    case 'reply.unfeatured':
      return true;
    default:
      return false;
  }
}

/**
 * What readers see of the reply before and after one commit of its stream (versions
 * `from`..`to`), from the stream's events; null when it was not, or is not, public.
 */
export function publicChange(stream: StoredEvent<ReplyEvent>[], from: number, to: number): { before: PublicReply | null; after: PublicReply | null } {
  const erasedSince = stream.some((e) => e.event.type === 'reply.erased');
  let before = EMPTY;
  let after = EMPTY;
  for (const e of stream) {
    if (e.version > to) break;
    after = foldReply(after, e.event);
    if (e.version < from) before = after;
  }
  // `before` is only compared with: an erasure later in the stream blanks what is sent.
  return { before: publicView(before, false), after: publicView(after, erasedSince) };
}
