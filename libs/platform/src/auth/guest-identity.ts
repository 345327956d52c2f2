import { Actor } from '@app/domain';
import { Injectable } from '@nestjs/common';
import { timingSafeEqual } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { keyedHash } from './keyed-hash';

/** Guests are known by a keyed hash of their email; the email itself is never stored. */
@Injectable()
export class GuestIdentity {
  constructor(private readonly config: AppConfig) {}

  hash(purpose: string, value: string): string {
    return keyedHash(this.config.HASH_KEY, purpose, value);
  }

  actor(name: string, email: string): Actor {
    return { kind: 'guest', id: this.idOf(email), name: name.trim() };
  }

  /** A guest's id: the keyed hash of their email, however it was typed. */
  idOf(email: string): string {
    return this.hash('email', email.trim().toLowerCase());
  }

  /** A guest's proof of authorship: derived from the reply id, so nothing is stored. */
  editToken(replyId: string): string {
    return this.hash('edit-token', replyId);
  }

  verifyEditToken(replyId: string, token: string): boolean {
    const expected = Buffer.from(this.editToken(replyId));
    const given = Buffer.from(token);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}
