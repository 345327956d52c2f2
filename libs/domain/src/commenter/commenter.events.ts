import { DomainEvent } from '../shared/domain-event';

/**
 * A commenter's personal data was erased: their key is destroyed, so what they typed can no
 * longer be read from any event. `reason` is the admin's record of a legal request; it must
 * name the request, not the person.
 */
export type CommenterErased = DomainEvent<
  'commenter.erased',
  { commenterId: string; requestedBy: 'commenter' | 'admin'; reason: string; erasedAt: string }
>;

/** How the site treats a commenter's next replies (docs/moderation-states.md, "Commenters"). */
export type CommenterStanding = 'normal' | 'trusted' | 'premod' | 'suspended' | 'banned';

/**
 * A moderator changed how the site treats a commenter, or a suspension ran out (the system).
 * `until` ends a suspension; `rejectAllBatchId` names the batch rejecting a banned commenter's replies.
 */
export type CommenterStandingChanged = DomainEvent<
  'commenter.standing-changed',
  {
    commenterId: string;
    standing: CommenterStanding;
    previousStanding: CommenterStanding;
    until: string | null;
    reason: string | null;
    rejectAllBatchId: string | null;
    changedAt: string;
  }
>;

export type CommenterEvent = CommenterErased | CommenterStandingChanged;
