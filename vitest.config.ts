import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Tests run the proxy package's TypeScript source, so unit tests need no build of proxy/dist.
    alias: [
      { find: /^lbbench-proxy$/, replacement: fileURLToPath(new URL('proxy/src/index.ts', import.meta.url)) },
    ],
  },
  test: {
    setupFiles: ['test/setup/fail-on-warnings.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 10_000,
          // The unit files run first, all of them, and only then the live integration files: the CPU-heavy ones
          // (the 20-seed simulator gates) would otherwise share the 2 cores with live runs measuring shares.
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['test/integration/**/*.test.ts'],
          globalSetup: ['test/setup/build-once.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Integration tests start real processes on loopback; a 2-core machine runs them one file at a time.
          fileParallelism: false,
        },
      },
      // lbbench-proxy's unit tests: the proxy package's own project.
      'proxy/test/vitest.config.ts',
    ],
  },
});
