/**
 * Bilinear sampling and its gradients equal torch's `F.grid_sample` (zeros padding) and autograd,
 * for both align-corners conventions: fixture written by the `smtc` fixture writer (float64 torch).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeTensor, type EncodedTensor, readJson, repoRoot } from '../../../test/fixtures.js';
import { gridSample, gridSampleBackward } from '../src/index.js';

interface Case {
  output: EncodedTensor;
  gradMap: EncodedTensor;
  gradGrid: EncodedTensor;
}
interface Fixture {
  map: EncodedTensor;
  grid: EncodedTensor;
  upstream: EncodedTensor;
  cases: Record<'halfPixel' | 'alignCorners', Case>;
}

const fixture = readJson<Fixture>(join(repoRoot, 'packages/core/test/fixtures/grid-sample.json'));
const map = decodeTensor(fixture.map) as { data: Float64Array; dims: number[] };
const grid = decodeTensor(fixture.grid) as { data: Float64Array; dims: number[] };
const upstream = decodeTensor(fixture.upstream) as { data: Float64Array; dims: number[] };

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, tol: number): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < got.length; i++) expect(Math.abs(got[i]! - want[i]!)).toBeLessThan(tol);
}

describe('gridSample vs torch F.grid_sample (grid-sample.json)', () => {
  for (const name of ['halfPixel', 'alignCorners'] as const) {
    const options = { alignCorners: name === 'alignCorners' };
    const c = fixture.cases[name];
    it(`${name}: values`, () => {
      expectClose(gridSample(map, grid, options).data, decodeTensor(c.output).data, 1e-12);
    });
    it(`${name}: gradients w.r.t. the map and the points`, () => {
      const g = gridSampleBackward(map, grid, upstream, options);
      expectClose(g.gradMap.data, decodeTensor(c.gradMap).data, 1e-12);
      expectClose(g.gradPoints.data, decodeTensor(c.gradGrid).data, 1e-10);
    });
  }
  it('some fixture points fall outside the map, so zero padding is exercised', () => {
    expect(Array.from(grid.data).some((v) => Math.abs(v) > 1)).toBe(true);
  });
});
