/** Loading the golden fixtures written by `python3 -m slotmatch_torch golden` (torch autograd, float64). */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '@slotmatch/core';
import { expect } from 'vitest';
import { decodeTensor, type EncodedTensor, readJson } from '../../../test/fixtures.js';

export const fixturesDir = join(dirname(fileURLToPath(import.meta.url)), 'fixtures');

export interface Golden {
  readonly case: string;
  readonly options: Record<string, number | string>;
  readonly inputs: Record<string, Tensor>;
  readonly value?: number;
  readonly grads?: Record<string, Tensor>;
  readonly output?: Tensor;
}

interface RawGolden {
  case: string;
  options: Record<string, number | string>;
  inputs: Record<string, EncodedTensor>;
  value?: number;
  grads?: Record<string, EncodedTensor>;
  output?: EncodedTensor;
}

function asTensor(t: EncodedTensor): Tensor {
  const d = decodeTensor(t);
  if (d.data instanceof Int32Array) throw new Error('golden: integer tensors are not loss inputs');
  return { data: d.data, dims: d.dims };
}

const decodeAll = (r: Record<string, EncodedTensor>) =>
  Object.fromEntries(Object.entries(r).map(([k, v]) => [k, asTensor(v)]));

/** The fixture `<name>.json`. */
export function golden(name: string): Golden {
  const raw = readJson<RawGolden>(join(fixturesDir, `${name}.json`));
  return {
    case: raw.case,
    options: raw.options,
    inputs: decodeAll(raw.inputs),
    ...(raw.value === undefined ? {} : { value: raw.value }),
    ...(raw.grads === undefined ? {} : { grads: decodeAll(raw.grads) }),
    ...(raw.output === undefined ? {} : { output: asTensor(raw.output) }),
  };
}

/** Every fixture name in the folder. */
export function goldenNames(): string[] {
  return readdirSync(fixturesDir)
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.slice(0, -5))
    .sort();
}

/** A float64 copy of a tensor (the same values; exercises the float64 input path). */
export function widen(t: Tensor): Tensor<Float64Array> {
  return { data: Float64Array.from(t.data), dims: [...t.dims] };
}

/**
 * Relative agreement within `tol`: |a − e| ≤ tol·max(|e|, 1e-3·max|e|) per element, so values near
 * zero are judged against the tensor's scale.
 */
export function expectClose(actual: Tensor, expected: Tensor, tol = 1e-5, what = 'tensor'): void {
  expect(actual.dims, `${what} dims`).toEqual(expected.dims);
  let scale = 0;
  for (let i = 0; i < expected.data.length; i++) scale = Math.max(scale, Math.abs(expected.data[i]!));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i]!;
    const err = Math.abs(actual.data[i]! - e) / Math.max(Math.abs(e), 1e-3 * scale, Number.MIN_VALUE);
    if (!(err <= worst)) {
      worst = err;
      at = i;
    }
  }
  expect(
    worst,
    `${what}: worst relative error at ${at} (${actual.data[at]} vs ${expected.data[at]})`,
  ).toBeLessThanOrEqual(tol);
}

/** Relative agreement of two numbers within `tol`. */
export function expectValue(actual: number, expected: number, tol = 1e-5): void {
  expect(
    Math.abs(actual - expected) / Math.max(Math.abs(expected), 1e-12),
    `${actual} vs ${expected}`,
  ).toBeLessThanOrEqual(tol);
}
