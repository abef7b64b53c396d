import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Each integration file opens its own database and server; two cores, so a few at a time.
    maxWorkers: 3,
    // Wide margins: a 2-core CI machine running three files at once is several times slower than a quiet one.
    testTimeout: 60_000,
    hookTimeout: 90_000,
    globalSetup: ['./test/setup/global-setup.ts'],
    setupFiles: ['./test/setup/end-children.ts'],
    reporters: ['default', './test/reporters/summary-reporter.ts'],
  },
});
