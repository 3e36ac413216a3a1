import { defineConfig } from 'tsdown';

export default defineConfig({
  // The worker sits beside the CLI code in dist/ (runJobs starts `./worker.js`).
  entry: { index: 'src/index.ts', cli: 'src/cli.ts', worker: 'src/cli/worker.ts' },
  format: 'esm',
  platform: 'node',
  dts: true,
  clean: true,
  fixedExtension: false,
});
