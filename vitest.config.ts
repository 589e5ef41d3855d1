import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{schemas,modules,policies,tests,scripts,console}/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'console/.next/**'],
    pool: 'forks',
    setupFiles: ['tests/setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
