/** @jest-config-loader esbuild-register */
import type { Config } from 'jest';

// Two projects: `unit` runs pure code in parallel (no services); `integration`
// runs against the real Redis and MongoDB-wire server that scripts/services.sh starts.
const transform: Config['transform'] = { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] };
// @cg/<name> is a package (packages/<name>) or an app whose src/index.ts the test stack starts.
const moduleNameMapper = { '^@cg/([a-z-]+)$': ['<rootDir>/packages/$1/src', '<rootDir>/apps/$1/src'] };

const config: Config = {
  // Integration tests wait on real services; unit tests finish far below this.
  testTimeout: 30_000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/packages/*/src/**/*.spec.ts', '<rootDir>/apps/*/src/**/*.spec.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      moduleNameMapper,
      testMatch: ['<rootDir>/apps/*/test/**/*.test.ts', '<rootDir>/packages/*/test/**/*.test.ts'],
      setupFiles: ['<rootDir>/packages/testing/src/load-service-env.ts'],
      slowTestThreshold: 30,
    },
  ],
};

export default config;
