import { Verdict } from '@app/domain';
import { DEFAULT_POLICY, ModerationPolicy, screen, ScreeningInput, SpamModel, textFingerprint } from '@app/moderation';

/** The pure scoring library under one policy version (the stream's, read by PolicyInForce). */
export class Scorer {
  constructor(
    private readonly policy: ModerationPolicy = DEFAULT_POLICY,
    /** The learned model as the workers last read it; none while nothing was learned. */
    private readonly model: SpamModel | null = null,
  ) {}

  get policyVersion(): number {
    return this.policy.version;
  }

  /** What repetition is counted by; null for a text too short to tell copies apart. */
  fingerprint(text: string): string | null {
    return textFingerprint(text);
  }

  score(input: ScreeningInput, scoredVersion: number): Verdict {
    const s = screen(input, this.policy, this.model ?? undefined);
    return { scoredVersion, decision: s.decision, score: s.score, reasons: s.reasons, features: s.features, policyVersion: s.policyVersion, modelVersion: s.modelVersion };
  }
}
