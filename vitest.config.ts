import { defineConfig } from 'vitest/config';

// One vitest run over every package. Workspace packages resolve to their TypeScript
// sources through the `@slotmatch/source` export condition, so tests never need a build.
export default defineConfig({
  resolve: { conditions: ['@slotmatch/source'] },
  ssr: { resolve: { conditions: ['@slotmatch/source'] } },
  test: {
    include: [
      'test/**/*.test.ts',
      'packages/*/src/**/*.test.ts',
      'packages/*/test/**/*.test.ts',
      'examples/*/**/*.test.ts',
    ],
    exclude: ['**/node_modules/**', '**/dist/**'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
