import { FLAG_PERSONAL_FIELDS } from '../flag/flag.events';
import { REACTION_PERSONAL_FIELDS } from '../reaction/reaction.events';
import { REPLY_PERSONAL_FIELDS } from '../reply/reply.events';

/**
 * Every event type holding personal data, with the dotted paths of those fields in its data.
 * Each new event type typed by a person (flag notes, appeals) declares its fields here.
 */
export const PERSONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  ...REPLY_PERSONAL_FIELDS,
  ...FLAG_PERSONAL_FIELDS,
  ...REACTION_PERSONAL_FIELDS,
};

/** What an erased personal field reads as. */
export const ERASED_TEXT = '';
