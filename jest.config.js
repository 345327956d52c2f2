const swc = ['@swc/jest', { swcrc: false, jsc: { parser: { syntax: 'typescript', decorators: true }, transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false }, target: 'es2022', keepClassNames: true } }];
// NestJS 12 and the Akismet client ship ES modules only; jest (on Node 20) needs them compiled to CommonJS.
const esm = ['@nestjs', '@cedx/akismet'];
const transformIgnorePatterns = [`/node_modules/(?!(${esm.join('|')})/)`];
const moduleNameMapper = {
  '^@app/(domain|event-store|read-models|platform|data-rights|workers|screening|moderator-actions|moderation)$': '<rootDir>/libs/$1/src',
};

/** @type {import('jest').Config} */
module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'unit',
      testMatch: ['<rootDir>/libs/**/*.spec.ts', '<rootDir>/apps/**/*.spec.ts'],
      transform: { '^.+\\.(t|m?j)s$': swc },
      transformIgnorePatterns,
      moduleNameMapper,
      testEnvironment: 'node',
    },
    {
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      transform: { '^.+\\.(t|m?j)s$': swc },
      transformIgnorePatterns,
      moduleNameMapper,
      testEnvironment: 'node',
    },
  ],
};
