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

// PostgreSQL fault specs (`*.pg-e2e-spec.ts`) put a TCP proxy in front of the server that
// DATABASE_URL names, so they run in the PostgreSQL pass only (`npm test` needs no other service).
const postgres = Boolean(process.env.DATABASE_URL);
if (!postgres) {
  process.stderr.write('NOTE: the PostgreSQL fault specs (test/*.pg-e2e-spec.ts) did not run: DATABASE_URL is not set (.ci/postgres-pass runs them)\n');
}

export default {
  testTimeout: 30_000,
  // The default output, then a loud list of spec blocks that could not run here (no browser).
  reporters: ['default', '<rootDir>/test/support/not-run-reporter.mjs'],
  projects: [
    { ...base, displayName: 'unit', rootDir: '.', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    { ...base, displayName: 'e2e', rootDir: '.', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts', ...(postgres ? ['**/*.pg-e2e-spec.ts'] : [])] },
  ],
};
