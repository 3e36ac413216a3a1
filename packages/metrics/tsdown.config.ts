import { defineConfig } from 'tsdown';

export default defineConfig({
  // The worker sits beside the CLI code in dist/ (runJobs starts `./worker.js`). `browser` (the
  // browser condition of `.`) and `davis` (`./davis`) import no Node built-in; the package tests check it.
  entry: {
    index: 'src/index.ts',
    browser: 'src/browser.ts',
    davis: 'src/davis/index.ts',
    cli: 'src/cli.ts',
    worker: 'src/cli/worker.ts',
  },
  format: 'esm',
  platform: 'node',
  dts: true,
  clean: true,
  fixedExtension: false,
});
