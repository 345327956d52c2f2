import { linkFeatures, textFingerprint } from './features';

describe('linkFeatures', () => {
  it.each([
    ['no link', 'The minister resigned on Tuesday.', 0],
    ['an http link', 'Read http://example.com/story first', 1],
    ['an https link with a path and query', 'see https://news.example.org/a/b?c=1#d', 1],
    ['a www. link', 'go to www.example.net now', 1],
    ['a bare domain', 'cheap-pills.com has offers', 1],
    ['a bare domain with subdomains and a path', 'visit shop.cheap.example.co.uk/deals', 1],
    ['a full-width domain', 'ｗｗｗ．ｅｘａｍｐｌｅ．ｃｏｍ', 1],
    ['a domain with its dot hidden', 'example[.]com and example (dot) net', 2],
    ['three links of three kinds', 'http://a.example.com www.b.example.com c.example.xyz', 3],
    ['an email address (not a link)', 'write to editor@example.com', 0],
    ['file names and abbreviations', 'node.js, e.g. this, i.e. that, U.S. policy, 3.5 per cent', 0],
    ['a full stop missing its space', 'That was the end.It was over.Me too.News at ten.', 0],
  ])('counts %s', (_what, text, links) => {
    expect(linkFeatures(text).links).toBe(links);
  });

  it('tells a link alone from a link with a line from a link in a real reply', () => {
    expect(linkFeatures('  https://spam.example.com  ')).toEqual({ links: 1, words: 0, linkOnly: true, websiteShortBody: false });
    expect(linkFeatures('https://a.example.com!!! https://b.example.com')).toMatchObject({ links: 2, linkOnly: true });
    expect(linkFeatures('Great deals at http://cheap.example.com !!!')).toEqual({ links: 1, words: 3, linkOnly: false, websiteShortBody: true });
    expect(linkFeatures('The figures in the report (https://stats.example.gov.uk/2024) do not support what the minister said about waiting lists.')).toMatchObject({
      links: 1,
      linkOnly: false,
      websiteShortBody: false,
    });
    expect(linkFeatures('A short reply without links')).toEqual({ links: 0, words: 5, linkOnly: false, websiteShortBody: false });
  });
});

describe('textFingerprint', () => {
  const spam = 'Great deals at http://cheap.example.com today only !!!';

  it('is the same through case, digits, punctuation, spacing and full-width letters', () => {
    const fp = textFingerprint(spam);
    expect(fp).toMatch(/^[0-9a-f]{64}$/);
    expect(textFingerprint('GREAT deals at  http://cheap.example.com/2 today only')).toBe(fp);
    expect(textFingerprint('Great deals at https://www.cheap.example.com   today only 123 ???')).toBe(fp);
    expect(textFingerprint('Ｇｒｅａｔ deals at http://cheap.example.com today only!')).toBe(fp);
  });

  it('differs for different words', () => {
    expect(textFingerprint('Great deals at http://cheap.example.net today only')).not.toBe(textFingerprint(spam));
  });

  it('is null for texts too short to call repetition', () => {
    expect(textFingerprint('Well said!')).toBeNull();
    expect(textFingerprint('I agree with this.')).toBeNull();
    expect(textFingerprint('12345 !!! 678')).toBeNull();
    expect(textFingerprint('I agree with this completely.')).not.toBeNull();
  });
});
