import { Actor } from '@app/domain';
import { EventMetadata, StreamConflictError } from '@app/event-store';
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

/**
 * An author's precondition: the ETag they send names a version at least as new as the reply's
 * current text (and no newer than the stream). Verdicts and decisions move the stream version
 * without changing the text, so they do not stale it; another edit does.
 */
export function seesCurrentText(ifMatch: string | undefined, textVersion: number, streamVersion: number): boolean {
  if (ifMatch === undefined || ifMatch.trim() === '*') return true;
  return ifMatch
    .split(',')
    .map((t) => /^"(\d{1,9})"$/.exec(t.trim().replace(/^W\//, '')))
    .some((m) => m !== null && Number(m[1]) >= textVersion && Number(m[1]) <= streamVersion);
}

/**
 * Runs an author's change again when the append lost a race: screening and moderators write
 * to the same stream, and their events should not cost the author a 409. The change itself
 * decides (by throwing StreamConflictError) when the race was with another edit.
 */
export async function retryOverVerdicts<T>(change: () => Promise<T>, tries = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await change();
    } catch (error) {
      if (!(error instanceof StreamConflictError) || attempt >= tries) throw error;
    }
  }
}
