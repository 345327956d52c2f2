import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { shapeProblems } from './dto-rules';
import { ProblemException, ProblemField } from './problem';

function flatten(errors: ValidationError[], prefix = ''): ProblemField[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Shapes first: a body that is not an object, or an array where a nested object belongs. */
class ShapeCheckingValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata) {
    if (metadata.type === 'body' && metadata.metatype && this.toValidate(metadata)) {
      const fields = shapeProblems(metadata.metatype, value);
      if (fields.length > 0) {
        const named = fields.filter((f) => f.field);
        throw new ProblemException(400, named.length ? `invalid input: ${named.map((f) => f.field).join(', ')}` : fields[0].message, named.length ? named : undefined);
      }
    }
    return super.transform(value, metadata);
  }
}

/** Whitelisted DTOs only: unknown fields, wrong types and operator objects are refused. */
export const strictValidationPipe = () =>
  new ShapeCheckingValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    transform: true,
    transformOptions: { enableImplicitConversion: false },
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new ProblemException(400, `invalid input: ${[...new Set(fields.map((f) => f.field))].join(', ')}`, fields);
    },
  });
