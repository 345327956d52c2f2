import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ProblemException, ProblemField } from './problem';

function flatten(errors: ValidationError[], prefix = ''): ProblemField[] {
  return errors.flatMap((e) => {
    const field = prefix ? `${prefix}.${e.property}` : e.property;
    const own = Object.values(e.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flatten(e.children ?? [], field)];
  });
}

/** Whitelisted DTOs only: unknown fields, wrong types and operator objects are refused. */
export const strictValidationPipe = () =>
  new ValidationPipe({
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
