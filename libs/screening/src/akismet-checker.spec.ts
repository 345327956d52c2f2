import { CheckResult, type Comment } from '@cedx/akismet';
import { AkismetChecker, type AkismetClient } from './akismet-checker';
import { akismetComment } from './akismet-comment';

const reply = { body: 'Great deals at cheap.example.com', authorName: 'Deals', submittedAt: new Date('2026-03-01T10:00:00Z') };
const network = { address: '203.0.113.7', userAgent: 'Mozilla/5.0 Test', addressHash: 'h1', userAgentHash: 'h2' };

/** A client that records what it was asked and answers as told. */
function clientAnswering(answer: () => Promise<CheckResult>): AkismetClient & { asked: Record<string, unknown>[] } {
  const asked: Record<string, unknown>[] = [];
  return {
    asked,
    checkComment: (comment: Comment) => {
      asked.push(comment.toJSON());
      return answer();
    },
  };
}

describe('akismetComment', () => {
  it('asks about the text, the name, the address, the user agent and the time, as a blog comment', () => {
    expect(akismetComment({ ...reply, address: network.address, userAgent: network.userAgent }).toJSON()).toEqual({
      user_ip: '203.0.113.7',
      user_agent: 'Mozilla/5.0 Test',
      comment_author: 'Deals',
      comment_content: 'Great deals at cheap.example.com',
      comment_date_gmt: '2026-03-01T10:00:00.000Z',
      comment_type: 'comment',
    });
  });
});

describe('AkismetChecker', () => {
  it('is off without a key, and then never asks', async () => {
    const off = AkismetChecker.of(null);
    expect(off.on).toBe(false);
    expect(await off.check('r-v1', reply, network)).toBeNull();
  });

  it('does not ask without the client address', async () => {
    const client = clientAnswering(async () => CheckResult.spam);
    const checker = new AkismetChecker(client);
    expect(await checker.check('r-v1', reply, null)).toBeNull();
    expect(await checker.check('r-v1', reply, { userAgent: 'UA only' })).toBeNull();
    expect(client.asked).toEqual([]);
  });

  it.each([
    [CheckResult.spam, true],
    [CheckResult.pervasiveSpam, true],
    [CheckResult.ham, false],
  ])('takes answer %s as spam: %s', async (answer, spam) => {
    const client = clientAnswering(async () => answer);
    expect(await new AkismetChecker(client).check('r-v1', reply, network)).toBe(spam);
    expect(client.asked).toEqual([expect.objectContaining({ user_ip: network.address, user_agent: network.userAgent })]);
  });

  it('answers null when Akismet fails', async () => {
    const checker = new AkismetChecker(clientAnswering(() => Promise.reject(new Error('500 Internal Server Error'))));
    expect(await checker.check('r-v1', reply, network)).toBeNull();
  });

  it('answers null when Akismet does not answer in time', async () => {
    const checker = new AkismetChecker(clientAnswering(() => new Promise<CheckResult>(() => undefined)), 20);
    expect(await checker.check('r-v1', reply, network)).toBeNull();
  });
});
