// Jest in ESM mode: ts-jest compiles each file on its own (isolatedModules) and
// the moduleNameMapper strips the `.js` that nodenext imports carry.
const base = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
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
  projects: [
    { ...base, displayName: 'unit', rootDir: '.', roots: ['<rootDir>/src'], testMatch: ['**/*.spec.ts'] },
    { ...base, displayName: 'e2e', rootDir: '.', roots: ['<rootDir>/test'], testMatch: ['**/*.e2e-spec.ts', ...(postgres ? ['**/*.pg-e2e-spec.ts'] : [])] },
  ],
};
