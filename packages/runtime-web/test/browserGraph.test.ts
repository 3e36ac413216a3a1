/**
 * The browser-facing module graph of @slotmatch/runtime-web links no Node built-in: its entry is
 * bundled with rolldown for the browser, once under a browser bundler's export conditions and once
 * without the `browser` condition (so it holds for bundlers that ignore it, and runtime-web cannot
 * lean on the `browser` export of a dependency), and every `node:*` / built-in import is listed.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { browserConditions, browserGraph, plainConditions } from '../../../test/moduleGraph.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const entry = join(pkg, 'src', 'index.ts');
const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as {
  dependencies: Record<string, string>;
};

describe('runtime-web in a browser bundle', () => {
  for (const [name, conditions] of [
    ['browser conditions', browserConditions],
    ['without the browser condition', plainConditions],
  ] as const) {
    it(`imports no Node built-in (${name})`, async () => {
      const graph = await browserGraph(entry, conditions);
      expect(graph.modules).toContain('packages/runtime-web/src/segmenter.ts');
      expect(graph.modules.some((m) => m.startsWith('packages/metrics/src/davis/'))).toBe(true);
      expect(graph.nodeBuiltins).toEqual([]);
      // Third-party code reached is a declared dependency (onnxruntime-web), left to its own browser build.
      for (const p of graph.externalPackages) expect(Object.keys(manifest.dependencies), p).toContain(p);
    });
  }

  it('the check sees a Node built-in where there is one (the PNG codec of the metrics Node entry)', async () => {
    const graph = await browserGraph('@slotmatch/metrics', plainConditions);
    expect(graph.nodeBuiltins).toContain('packages/metrics/src/png/decodePng.ts → node:zlib');
  });
});
