import { Author, Blog, Comment, CommentType } from '@cedx/akismet';

/** What Akismet is asked about one version of a reply: its text, and who sent it from where. */
export interface AkismetQuestion {
  body: string;
  /** The name shown with the reply. Guests' emails are kept only as hashes, so none is sent. */
  authorName: string;
  /** The client address of the submission: Akismet needs it, so without one it is not asked. */
  address: string;
  userAgent?: string;
  submittedAt: Date;
}

/**
 * The comment as Akismet reads it. A reply under a news article is what Akismet calls a blog
 * comment ("reply" is its word for forum replies). Nothing here is kept: it goes to Akismet once.
 */
export function akismetComment(question: AkismetQuestion): Comment {
  return new Comment({
    author: new Author({ ipAddress: question.address, userAgent: question.userAgent ?? '', name: question.authorName }),
    content: question.body,
    date: question.submittedAt,
    type: CommentType.comment,
  });
}

/** The site Akismet screens for: its front page, as registered with Akismet. */
export const akismetBlog = (site: string): Blog => new Blog({ url: site, charset: 'UTF-8' });
