import { Verdict } from '@app/domain';
import { DEFAULT_POLICY, fingerprint, ModerationPolicy, screen, ScreeningInput } from '@app/moderation';

export const SCORER = Symbol('SCORER');

/** The pure scoring library behind the policy in force (a stream of its own later). */
export class Scorer {
  constructor(private readonly policy: ModerationPolicy = DEFAULT_POLICY) {}

  get policyVersion(): number {
    return this.policy.version;
  }

  fingerprint(text: string): string {
    return fingerprint(text);
  }

  score(input: ScreeningInput, scoredVersion: number): Verdict {
    const s = screen(input, this.policy);
    return { scoredVersion, decision: s.decision, score: s.score, reasons: s.reasons, features: s.features, policyVersion: s.policyVersion, modelVersion: s.modelVersion };
  }
}
