import { DEFAULT_POLICY, screen } from '@app/moderation';
import { Verdict } from '@app/domain';
import { Random } from './random';

/** What readers write, mostly: the scorer publishes these. */
const ORDINARY = [
  'A reply of ordinary length, about as long as a thoughtful comment under a news story tends to be.',
  'I read the whole piece twice and I still think the council should have asked the residents first.',
  'Good reporting. The figures in the third paragraph are the ones nobody else bothered to check.',
  'My grandmother lived on that street for forty years and she would have said exactly the same thing.',
  'This is the first article I have seen that explains the timetable change without taking sides.',
  'Does anyone know whether the consultation is still open? The link on the council site is broken.',
  'I disagree with the conclusion, but the arguments on both sides are set out fairly here.',
  'We tried the same thing in our town ten years ago and it took three winters before it paid off.',
  'Thanks for following this up. The first story left out how the money would actually be spent.',
  'Short answer: no. Long answer: it depends on who pays for the maintenance once the grant runs out.',
  'The photo caption names the wrong bridge, by the way. That one is the old railway crossing.',
  'Interesting that the minister did not answer the question about the waiting lists at all.',
];

/** A suspect word: held for a moderator. */
const SUSPECT = ['Only an idiot would believe the figures in this article, and the editor knows it.', 'What a stupid decision, and everyone on the committee should be ashamed of it.'];

/** Two links in a sentence: published. */
const LINKS = ['Full timetable here https://example.org/timetable and the old one https://example.org/archive for comparison.'];
/** Only links: spam. */
const SPAM = ['https://spam.example/a https://spam.example/b https://spam.example/c https://spam.example/d'];

export interface Text {
  body: string;
  /** Screening's verdict on it, as the spam worker computes it (without the version it scored). */
  verdict: Omit<Verdict, 'scoredVersion'>;
}

/** Screened once per template: the scorer is pure, and its features do not depend on the suffix. */
const screened = new Map<string, Omit<Verdict, 'scoredVersion'>>();

function verdictOf(template: string): Omit<Verdict, 'scoredVersion'> {
  let verdict = screened.get(template);
  if (!verdict) {
    const s = screen({ body: template, authorName: 'Reader', counts: { commenterPerMinute: 1, networkPerMinute: 1, sameText: 1 }, akismet: null }, DEFAULT_POLICY);
    verdict = { decision: s.decision, score: s.score, reasons: s.reasons, features: s.features, policyVersion: s.policyVersion, modelVersion: s.modelVersion };
    screened.set(template, verdict);
  }
  return verdict;
}

/** A reply's text: 89% ordinary, 6% with a suspect word (held), 3% with two links, 2% link spam. */
export function replyText(random: Random, n: number): Text {
  const r = random.next();
  if (r >= 0.98) {
    // A number in the last link, so no two are the same text and it stays links only.
    const template = random.pick(SPAM);
    return { body: `${template}?ref=${n}`, verdict: verdictOf(template) };
  }
  const template = r < 0.89 ? random.pick(ORDINARY) : r < 0.95 ? random.pick(SUSPECT) : random.pick(LINKS);
  // A number at the end, so no two replies are the same text.
  return { body: `${template} (${n})`, verdict: verdictOf(template) };
}
