import { Actor } from '@app/domain';
import { EventMetadata } from '@app/event-store';
import { randomUUID } from 'node:crypto';

/** A commenter's name is personal data: the events that need it hold it encrypted, metadata never. */
export const metadataFor = (actor: Actor, correlationId?: string): EventMetadata => ({
  actor: actor.kind === 'reader' || actor.kind === 'guest' ? { kind: actor.kind, id: actor.id, name: '' } : actor,
  correlationId: correlationId ?? randomUUID(),
  causationId: null,
});

/** Strong ETags carry the stream version. */
export const etagOf = (version: number) => `"${version}"`;

export function matchesEtag(ifMatch: string | undefined, version: number): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '*') return true;
  return ifMatch.split(',').map((t) => t.trim().replace(/^W\//, '')).includes(etagOf(version));
}
