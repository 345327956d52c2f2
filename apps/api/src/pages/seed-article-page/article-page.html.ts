import { ArticleView } from '@app/read-models';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text for HTML content and quoted attribute values. */
export const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => ESCAPES[c]);

/** A short fixture line without a final stop reads as a heading; anything else as a paragraph. */
const isHeading = (line: string) => line.length <= 90 && !/[.!?:"”’)]$/.test(line);

/**
 * A plain news-article page with the reply section under it: no inline script or style (the
 * page's CSP allows neither), the embed from /embed.js, article fields escaped.
 */
export function articlePage(article: Pick<ArticleView, 'articleId' | 'title' | 'author' | 'category' | 'body' | 'publishedAt'>): string {
  const paragraphs = (article.body ?? []).map((line) => (isHeading(line) ? `<h2>${escapeHtml(line)}</h2>` : `<p>${escapeHtml(line)}</p>`)).join('\n        ');
  const published = new Date(article.publishedAt);
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>${escapeHtml(article.title)}</title>
    <link rel="icon" href="data:,">
    <link rel="stylesheet" href="/article.css">
    <script src="/embed.js" defer></script>
  </head>
  <body>
    <header class="masthead"><a href="/">The Daily Reply</a></header>
    <main>
      <article class="story">
        <p class="category">${escapeHtml(article.category)}</p>
        <h1>${escapeHtml(article.title)}</h1>
        <p class="byline">By ${escapeHtml(article.author)} · <time datetime="${escapeHtml(published.toISOString())}">${escapeHtml(published.toUTCString().slice(5, 16))}</time></p>
        ${paragraphs}
      </article>
      <section class="replies" aria-label="Replies">
        <reply-section article-id="${escapeHtml(article.articleId)}"></reply-section>
      </section>
    </main>
  </body>
</html>
`;
}

/** The same page's frame when there is no article to show. */
export function missingArticlePage(): string {
  return `<!doctype html>
<html lang="en">
  <head><meta charset="utf-8"><title>No article</title><link rel="stylesheet" href="/article.css"></head>
  <body><main><h1>No article here yet</h1><p>The seed article is published on start unless SEED_ARTICLE=false.</p></main></body>
</html>
`;
}
