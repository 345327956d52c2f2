import { Actor, ForbiddenError, Reply } from '@app/domain';
import { GuestIdentity } from '@app/platform';
import { Requester } from './edit-reply.command';

/** The actor behind an author's request: the signed-in user, or the guest holding the token. */
export function authorActor(reply: Reply, requester: Requester, guests: GuestIdentity): Actor {
  if (requester.actor) return requester.actor;
  if (requester.editToken && guests.verifyEditToken(reply.id, requester.editToken)) {
    return { kind: 'guest', id: reply.author.id, name: reply.author.name };
  }
  throw new ForbiddenError('only its author may change a reply: sign in, or send the X-Edit-Token you were given');
}
