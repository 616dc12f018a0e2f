// Jest in ESM mode: ts-jest compiles each file on its own (isolatedModules) and
// the moduleNameMapper strips the `.js` that nodenext imports carry.
const base = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: {
    '^(\\.{1,2}/.*)\\.js$': '$1',
    // The package's own name, as the examples import it, maps to its source.
    '^refresh-token-service$': '<rootDir>/src/index.ts',
    '^refresh-token-service/testing$': '<rootDir>/src/testing/index.ts',
    '^refresh-token-service/migrations$': '<rootDir>/src/migrations.ts',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }],
  },
  testEnvironment: 'node',
};

export default {
  testTimeout: 30_000,
  // The default output, then a loud list of spec blocks that could not run here (no browser).
  reporters: ['default', '<rootDir>/test/support/not-run-reporter.mjs'],
  projects: [
    { ...base, displayName: 'unit', rootDir: '.', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    { ...base, displayName: 'e2e', rootDir: '.', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts'] },
  ],
};
