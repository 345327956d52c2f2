import { hasControlCharacters, hasVisibleText } from '@app/domain';
import { Type } from 'class-transformer';
import { IsDefined, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { ProblemField } from './problem';

/**
 * May be left out, but not null: class-validator's @IsOptional lets null through, and a null
 * setting would be stored (and close replies, or block every edit).
 */
export const IsOptionalNotNull = (): PropertyDecorator => (target, key) => {
  ValidateIf((_: object, value: unknown) => value !== undefined)(target, key);
  IsDefined({ message: '$property may be left out but not null' })(target, key);
};

const NESTED_OBJECTS = Symbol('reply-section:nested-objects');
type DtoClass = abstract new (...args: never[]) => object;

/**
 * A nested DTO. Its shape (a JSON object: not an array, null or a scalar) is checked before
 * transformation by `shapeProblems`: class-transformer would turn an array into an array of
 * DTOs, which validates element by element and then reaches the handler as an array.
 */
export const NestedObject =
  (type: () => DtoClass): PropertyDecorator =>
  (target, key) => {
    const nested: Record<string, () => DtoClass> = { ...(Reflect.getMetadata(NESTED_OBJECTS, target) ?? {}), [key]: type };
    Reflect.defineMetadata(NESTED_OBJECTS, nested, target);
    ValidateNested()(target, key);
    Type(type as () => new () => object)(target, key);
  };

const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const kindOf = (value: unknown) => (value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`);

/** Fields holding something other than a JSON object where `dto` expects one; `[]` when all fit. */
export function shapeProblems(dto: DtoClass, value: unknown, path = ''): ProblemField[] {
  if (!isJsonObject(value)) {
    const field = path || 'request body';
    return [{ field: path, message: `${field} must be a JSON object, not ${kindOf(value)}` }];
  }
  const nested: Record<string, () => DtoClass> = Reflect.getMetadata(NESTED_OBJECTS, dto.prototype) ?? {};
  return Object.entries(nested).flatMap(([key, type]) =>
    Object.hasOwn(value, key) && value[key] !== undefined ? shapeProblems(type(), value[key], path ? `${path}.${key}` : key) : [],
  );
}

/**
 * Text a reader can see: at least one letter, digit, punctuation mark or symbol (not only
 * zero-width, bidi or other invisible characters), and no control characters. Multi-line
 * text (reply bodies, paragraphs) keeps tab and line breaks. `each` for arrays of text.
 */
export const IsVisibleText =
  (opts: { multiline?: boolean; each?: boolean } = {}): PropertyDecorator =>
  (target, key) => {
    const each = opts.each ?? false;
    ValidateBy(
      { name: 'isVisibleText', validator: { validate: (v: unknown) => typeof v !== 'string' || hasVisibleText(v) } },
      { each, message: each ? 'each of $property must show some text, not only invisible characters' : '$property must show some text, not only invisible characters' },
    )(target, key);
    ValidateBy(
      { name: 'hasNoControlCharacters', validator: { validate: (v: unknown) => typeof v !== 'string' || !hasControlCharacters(v, { singleLine: !opts.multiline }) } },
      { each, message: opts.multiline ? '$property must not contain control characters other than tab and line breaks' : '$property must be one line without control characters' },
    )(target, key);
  };
