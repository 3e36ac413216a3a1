import { describe, expect, it } from 'vitest';
import { get, i32, instantiateKernels, moduleOf } from './wasmAssembler.js';

// store(ptr, value): memory[ptr] = value (i32.store, align 2, offset 0)
const store = moduleOf('store', 2, [], [...get(0), ...get(1), 0x36, 0x02, 0x00]);
// nothing(): i32.const 7, drop — a second module on the same memory
const nothing = moduleOf('nothing', 0, [], [...i32(7), 0x1a]);

describe('instantiateKernels', () => {
  it('instantiates every module on one shared memory of the given pages', () => {
    const k = instantiateKernels(() => [store, nothing], 2);
    expect(k).not.toBeNull();
    expect(k!.memory.buffer.byteLength).toBe(2 * 65536);
    expect(k!.exports.map((e) => Object.keys(e))).toEqual([['store'], ['nothing']]);
    (k!.exports[0]!.store as (p: number, v: number) => void)(8, 1234567);
    expect(new Int32Array(k!.memory.buffer)[2]).toBe(1234567);
  });

  it('gives null (the JavaScript path) for bytes that do not validate or a build that throws', () => {
    expect(instantiateKernels(() => [store, Uint8Array.from([0, 97, 115, 109, 9, 9, 9, 9])], 1)).toBeNull();
    expect(
      instantiateKernels(() => {
        throw new Error('no');
      }, 1),
    ).toBeNull();
  });
});
