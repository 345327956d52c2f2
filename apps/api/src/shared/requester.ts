import { Actor, ForbiddenError, Reply } from '@app/domain';
import { CommenterDirectory, GuestIdentity } from '@app/platform';

/** Who asks: a signed-in actor, or a guest proving authorship with the reply's edit token. */
export interface Requester {
  actor?: Actor;
  editToken?: string;
}

/** The actor behind an author's request: the signed-in commenter, or the guest holding the token. */
export async function authorActor(reply: Reply, requester: Requester, guests: GuestIdentity, commenters: CommenterDirectory): Promise<Actor> {
  if (requester.actor) return commenters.asCommenter(requester.actor);
  if (requester.editToken && guests.verifyEditToken(reply.id, requester.editToken)) {
    return { kind: 'guest', id: reply.author.id, name: reply.author.name };
  }
  throw new ForbiddenError('only its author may change a reply: sign in, or send the X-Edit-Token you were given');
}
