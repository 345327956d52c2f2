import { loadSeedArticle, parseSeedArticle } from './seed-article';

describe('the seed article', () => {
  it('reads title, author, category and body paragraphs from the fixture, leaving out the bio', () => {
    const article = loadSeedArticle();
    expect(article.title).toBe('Showdown in Los Angeles: Mayor’s Attempt to Halt ICE Raid Backfires');
    expect(article.articleId).toBe('showdown-in-los-angeles-mayors-attempt-to-halt-ice-raid-backfires');
    expect(article.author).toBe('Morgan White');
    expect(article.category).toBe('News');
    expect(article.body[0]).toBe('Federal Immigration Raid Sparks Confrontation in Downtown Los Angeles');
    expect(article.body.some((p) => p.startsWith('Written by'))).toBe(false);
    expect(article.settings).toEqual({ guestsAllowed: true, moderation: 'post' });
  });

  it('refuses a text without a Categories line', () => {
    expect(() => parseSeedArticle('Title\n\nBody')).toThrow(/Categories/);
  });
});
