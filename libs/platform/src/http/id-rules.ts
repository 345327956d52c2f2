/** What an article id looks like: a slug of lowercase letters, digits and dashes. */
export const ARTICLE_ID = /^[a-z0-9](?:[a-z0-9-]{0,78}[a-z0-9])?$/;
/** What a reply id looks like: 24 hex digits. */
export const REPLY_ID = /^[a-f0-9]{24}$/;
