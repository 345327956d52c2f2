// Scoring of replies: pure functions of their inputs. No I/O, no Nest, no store, no queue:
// the spam worker takes counts from Redis and the policy and model from their projections,
// and passes them in.
export { checkPolicy, DEFAULT_POLICY, POLICY_LIMITS, PolicyError, type ModerationPolicy } from './policy';
export { findListedWords, type ListedWords } from './word-lists';
export { FINGERPRINT_MIN_WORDS, linkFeatures, SHORT_BODY_WORDS, textFingerprint, type LinkFeatures } from './features';
export {
  countDelta,
  MAX_TOKENS,
  MIN_TEXTS_PER_CLASS,
  SpamModel,
  tokenize,
  tokenKey,
  tokenKeysOf,
  type CountDelta,
  type ModelCounts,
  type SpamClass,
  type TokenCounts,
} from './spam-model';
export { replayInput, replayModel, SCORING_RULES, screen, type Decision, type FeatureValue, type Reason, type ReasonCode, type Screening, type ScreeningInput } from './screen';
export * from './author-reasons';
