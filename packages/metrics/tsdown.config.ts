import { defineConfig } from 'tsdown';

export default defineConfig({
  entry: ['src/index.ts', 'src/cli.ts', 'src/cli/worker.ts'],
  format: 'esm',
  platform: 'node',
  dts: true,
  clean: true,
});
