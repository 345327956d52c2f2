import { articlePage, escapeHtml } from './article-page.html';

describe('the article page', () => {
  const article = {
    articleId: 'a-b',
    title: 'Title <script>alert(1)</script>',
    author: 'O\'Neil & "Sons"',
    category: 'News',
    body: ['A heading', 'A paragraph that ends with a stop.', '<img src=x onerror=alert(1)>.'],
    publishedAt: '2026-11-28T10:00:00.000Z',
  };

  it('escapes every article field, and has no inline script', () => {
    const html = articlePage(article);
    expect(html).toContain('<h1>Title &lt;script&gt;alert(1)&lt;/script&gt;</h1>');
    expect(html).toContain('By O&#39;Neil &amp; &quot;Sons&quot;');
    expect(html).toContain('<p>&lt;img src=x onerror=alert(1)&gt;.</p>');
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toMatch(/<img|style=/);
  });

  it('puts the reply section under the article, for its id, with the embed from /embed.js', () => {
    const html = articlePage(article);
    expect(html).toContain('<h2>A heading</h2>');
    expect(html).toContain('<reply-section article-id="a-b"></reply-section>');
    expect(html).toContain('<script src="/embed.js" defer></script>');
    expect(html.indexOf('</article>')).toBeLessThan(html.indexOf('<reply-section'));
  });

  it('escapes the five HTML characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
