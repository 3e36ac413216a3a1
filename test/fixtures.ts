/**
 * Test-only helpers shared by every package's tests (never shipped).
 *
 * - `sharedFixturesDir`: `../shared/fixtures` beside the repository. A user's clone has no
 *   `../shared`, so tests that read it use `describeShared`, which skips with a clear message.
 * - `decodeTensor`: the tensor encoding used by the JSON fixtures that the PyTorch package writes
 *   (`slotmatch_torch golden`, parity fixtures): `{ "dims": [..], "dtype": "float32"|"float64",
 *   "data": "<base64 of little-endian values>" }`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const sharedFixturesDir = resolve(repoRoot, '..', 'shared', 'fixtures');
export const hasSharedFixtures = existsSync(sharedFixturesDir);

/** `describe` that runs only when `../shared/fixtures` is present, and says why it skipped otherwise. */
export function describeShared(name: string, body: () => void): void {
  if (!hasSharedFixtures) {
    describe(name, () => {
      it.skip(`skipped: ${sharedFixturesDir} is absent — it exists only beside the project's own checkout`, () => {});
    });
  } else {
    describe(name, body);
  }
}

/** Path inside `../shared/fixtures`. */
export function sharedFixture(...parts: string[]): string {
  return join(sharedFixturesDir, ...parts);
}

export interface EncodedTensor {
  readonly dims: readonly number[];
  readonly dtype: 'float32' | 'float64' | 'int32' | 'int64';
  readonly data: string;
}

export interface DecodedTensor {
  readonly dims: number[];
  readonly data: Float32Array | Float64Array | Int32Array;
}

/** Decode a base64 little-endian tensor from a fixture (int64 values are narrowed to int32). */
export function decodeTensor(t: EncodedTensor): DecodedTensor {
  const bytes = Buffer.from(t.data, 'base64');
  const buf = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
  const count = t.dims.reduce((a, b) => a * b, 1);
  let data: Float32Array | Float64Array | Int32Array;
  if (t.dtype === 'float32') data = new Float32Array(buf);
  else if (t.dtype === 'float64') data = new Float64Array(buf);
  else if (t.dtype === 'int32') data = new Int32Array(buf);
  else data = Int32Array.from(new BigInt64Array(buf), (v) => Number(v));
  if (data.length !== count) throw new Error(`fixture tensor: ${data.length} values for dims [${t.dims}]`);
  return { dims: [...t.dims], data };
}

/** Read a JSON fixture file. */
export function readJson<T = unknown>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
