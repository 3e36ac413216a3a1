/**
 * The browser entries of @slotmatch/metrics link no Node built-in: `.` under a browser bundler's
 * conditions (the `browser` export, `src/browser.ts`) and `./davis` under any conditions. The
 * browser entry exports every name of the Node entry except the PNG codec that needs `node:zlib`.
 */
import { describe, expect, it } from 'vitest';
import { browserConditions, browserGraph, plainConditions } from '../../../test/moduleGraph.js';
import * as browserEntry from '../src/browser.js';
import * as davisEntry from '../src/davis/index.js';
import * as nodeEntry from '../src/index.js';

describe('browser-safe entries of @slotmatch/metrics', () => {
  it('`.` resolves to the browser entry under the browser condition and imports no Node built-in', async () => {
    const graph = await browserGraph('@slotmatch/metrics', browserConditions);
    expect(graph.modules).toContain('packages/metrics/src/browser.ts');
    expect(graph.nodeBuiltins).toEqual([]);
    expect(graph.externalPackages).toEqual([]);
  });

  it('`./davis` imports no Node built-in without the browser condition', async () => {
    const graph = await browserGraph('@slotmatch/metrics/davis', plainConditions);
    expect(graph.modules).toContain('packages/metrics/src/davis/index.ts');
    expect(graph.nodeBuiltins).toEqual([]);
  });

  it('the Node entry (and only it) links node:zlib, for the PNG codec', async () => {
    const graph = await browserGraph('@slotmatch/metrics', plainConditions);
    expect(graph.nodeBuiltins).toEqual([
      'packages/metrics/src/png/decodePng.ts → node:zlib',
      'packages/metrics/src/png/encodePalettePng.ts → node:zlib',
      'packages/metrics/src/png/encodeRgbPng.ts → node:zlib',
    ]);
  });

  it('the browser entry has every name of the Node entry but the PNG codec; ./davis is a subset', () => {
    const missing = Object.keys(nodeEntry).filter((k) => !(k in browserEntry));
    expect(missing.sort()).toEqual(['decodePng', 'encodePalettePng', 'encodeRgbPng']);
    for (const k of Object.keys(browserEntry)) expect(nodeEntry, k).toHaveProperty(k);
    for (const k of Object.keys(davisEntry)) expect(browserEntry, k).toHaveProperty(k);
  });
});
