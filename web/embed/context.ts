import { createContext } from 'preact';
import type { Api, Article, Credentials } from './api';
import type { ThreadModel } from './model';

/** What every part of the section shares: the API, the article, the thread and who is reading. */
export interface Section {
  api: Api;
  article: Article;
  model: ThreadModel;
  /** The signed-in reader's token, or null for a guest. */
  token: string | null;
  /** Re-render after a change to the model. */
  refresh(): void;
  /** Says something to screen readers (the polite live region). */
  announce(message: string): void;
  /** How to prove authorship of a reply: the reader's token, or the guest's edit token; null if not theirs. */
  ownCredentials(replyId: string): Credentials | null;
  /** Records a reply the reader just wrote and follows its status until a verdict. */
  wrote(replyId: string, editToken: string | undefined): void;
  /** Follows a reply's status (after an edit) until its verdict. */
  follow(replyId: string): void;
  /** The reply a permalink opened, highlighted. */
  linkedId: string | null;
}

export const SectionContext = createContext<Section>(null as unknown as Section);
