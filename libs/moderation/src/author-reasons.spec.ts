import { statementForAuthor } from './author-reasons';

describe('statementForAuthor', () => {
  it('tells the author of a published reply readers\' flags hid that it is hidden, naming no flagger', () => {
    expect(statementForAuthor('published', [{ code: 'score', detail: 'low' }], true)).toEqual([{ code: 'hidden-by-flags', detail: expect.stringMatching(/hidden until a moderator/) }]);
    expect(statementForAuthor('published', [{ code: 'score', detail: 'low' }])).toEqual([{ code: 'score', detail: 'low' }]);
    expect(statementForAuthor('pending', [], true)).toEqual([{ code: 'review', detail: 'A moderator will look at this reply.' }]);
  });
});
