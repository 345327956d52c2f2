import { Actor, ForbiddenError, InvalidCommandError } from '@app/domain';
import { EVENT_STORE, EventStore } from '@app/event-store';
import { CommenterDirectory, GuestIdentity, ProblemException } from '@app/platform';
import { Inject, Injectable } from '@nestjs/common';
import { findReply } from './streams';

/** `<replyId>:<editToken>` pairs, separated by commas: a guest's proof of the replies they wrote. */
export const EDIT_TOKENS_HEADER = 'x-edit-tokens';
export const MAX_EDIT_TOKENS = 100;
const PAIR = /^([a-f0-9]{24}):([A-Za-z0-9_-]{20,100})$/;
/** Reply streams read at once: well inside the connection pool. */
const PARALLEL_LOADS = 20;

/** Whose data a `/me` request is about. */
export type DataSubject =
  | { kind: 'signed-in'; commenterIds: string[] }
  | { kind: 'guest'; replies: { replyId: string; commenterId: string }[] };

@Injectable()
export class DataSubjects {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly commenters: CommenterDirectory,
    private readonly guests: GuestIdentity,
  ) {}

  /** The signed-in person, or the guest behind every pair given; one wrong token refuses all. */
  async of(actor: Actor | undefined, editTokens: string | undefined): Promise<DataSubject> {
    if (actor) {
      if (editTokens !== undefined) throw new InvalidCommandError('X-Edit-Tokens is for guests; a signed-in reader is known by the token', 'X-Edit-Tokens');
      return { kind: 'signed-in', commenterIds: await this.commenters.allOf(actor) };
    }
    if (editTokens === undefined) throw new ProblemException(401, 'sign in, or send X-Edit-Tokens with the <replyId>:<editToken> pairs of your replies');
    const pairs = this.parse(editTokens);
    // Every pair must hold, a repeated reply id included: one wrong token refuses the request.
    const wrong = pairs.find(([replyId, token]) => !this.guests.verifyEditToken(replyId, token));
    if (wrong) throw new ForbiddenError(`the edit token for reply ${wrong[0]} is not valid`);
    const ids = [...new Set(pairs.map(([replyId]) => replyId))];
    const replies: { replyId: string; commenterId: string }[] = [];
    for (let i = 0; i < ids.length; i += PARALLEL_LOADS) {
      const found = await Promise.all(ids.slice(i, i + PARALLEL_LOADS).map((id) => findReply(this.store, id)));
      found.forEach((reply, j) => {
        if (!reply || reply.author.kind !== 'guest') throw new ForbiddenError(`the edit token for reply ${ids[i + j]} is not valid`);
        replies.push({ replyId: reply.id, commenterId: reply.author.id });
      });
    }
    return { kind: 'guest', replies };
  }

  private parse(header: string): [string, string][] {
    const parts = header.split(',').map((p) => p.trim()).filter((p) => p.length > 0);
    if (parts.length === 0 || parts.length > MAX_EDIT_TOKENS) {
      throw new InvalidCommandError(`X-Edit-Tokens needs 1 to ${MAX_EDIT_TOKENS} <replyId>:<editToken> pairs`, 'X-Edit-Tokens');
    }
    return parts.map((part) => {
      const match = PAIR.exec(part);
      if (!match) throw new InvalidCommandError('X-Edit-Tokens holds <replyId>:<editToken> pairs separated by commas', 'X-Edit-Tokens');
      return [match[1], match[2]];
    });
  }
}
