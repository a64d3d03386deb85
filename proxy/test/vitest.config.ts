import { defineProject } from 'vitest/config';

/** lbbench-proxy's unit tests, a project of the root vitest config (the root `npm test` runs them). */
export default defineProject({
  test: {
    name: 'proxy-unit',
    include: ['unit/**/*.test.ts'],
    // The harness's guard: a stray Node warning fails the test that caused it.
    setupFiles: ['../../test/setup/fail-on-warnings.ts'],
    testTimeout: 10_000,
  },
});
