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

export type CommenterEvent = CommenterErased;
