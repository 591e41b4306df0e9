import { defineConfig } from 'vitest/config';

// One project per test tier (docs/ARCHITECTURE.md, "Tests"). `graphql` is aliased to its CJS entry so type-graphql and
// Apollo share one copy of the module ("another module or realm" otherwise).
const shared = {
  resolve: { alias: { graphql: 'graphql/index.js' } },
};

export default defineConfig({
  test: {
    projects: [
      { ...shared, test: { name: 'unit', include: ['test/unit/**/*.test.ts'], setupFiles: ['test/setup.ts'] } },
      {
        ...shared,
        test: {
          name: 'contract',
          include: ['test/contract/**/*.test.ts'],
          setupFiles: ['test/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
        },
      },
      {
        ...shared,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          setupFiles: ['test/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        ...shared,
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          setupFiles: ['test/setup.ts'],
          globalSetup: ['test/e2e/global-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
