import { describe, expect, it } from 'vitest';
import { InputError } from '../errors/index.js';
import { createOrtBackend, providersForDevice } from './ortBackend.js';
import type { OrtSessionLike, OrtTensorLike } from './ortSessionAdapter.js';

/** A stand-in for onnxruntime's Tensor that records every tensor and its disposal. */
const live = new Set<FakeTensor>();
class FakeTensor implements OrtTensorLike {
  constructor(
    readonly type: string,
    readonly data: Float32Array | Int32Array,
    readonly dims: readonly number[],
  ) {
    live.add(this);
  }
  async getData() {
    return this.data;
  }
  dispose() {
    live.delete(this);
  }
}

/** A session doubling its input into "y" plus an unused "extra" output; `mode` injects failures. */
function fakeSession(mode: 'ok' | 'run fails' | 'int output' = 'ok'): OrtSessionLike & { released: boolean } {
  return {
    released: false,
    inputNames: ['x'],
    outputNames: ['y', 'extra'],
    inputMetadata: [{ name: 'x', isTensor: true, type: 'float32', shape: ['batch', 2] }],
    outputMetadata: [
      { name: 'y', isTensor: true, type: 'float32', shape: ['batch', 2] },
      { name: 'extra', isTensor: true, type: 'float32', shape: [1] },
    ],
    async run(feeds) {
      if (mode === 'run fails') throw new Error('kernel failed');
      const x = (feeds.x as FakeTensor).data as Float32Array;
      return {
        y: new FakeTensor(
          'float32',
          x.map((v) => 2 * v),
          feeds.x!.dims,
        ),
        extra:
          mode === 'int output'
            ? new FakeTensor('int32', new Int32Array(1), [1])
            : new FakeTensor('float32', new Float32Array(1), [1]),
      };
    },
    async release() {
      this.released = true;
    },
  };
}

function backendOver(sessions: Record<string, () => OrtSessionLike>, log: string[] = []) {
  return createOrtBackend(
    {
      runtime: 'onnxruntime-test',
      providers: Object.keys(sessions),
      create: async (_model, provider) => sessions[provider]!(),
      Tensor: FakeTensor,
      log: (m) => log.push(m),
    },
    { numThreads: 3 },
  );
}

describe('createOrtBackend', () => {
  it('disposes every input and output tensor after each run, unused outputs too', async () => {
    const session = await backendOver({ cpu: () => fakeSession() }).createSession(new Uint8Array(), 'm');
    expect(session.signature.inputs).toEqual([{ name: 'x', type: 'float32', dims: ['batch', 2] }]);
    const out = await session.run({ x: { data: Float32Array.from([1, 2]), dims: [1, 2] } });
    expect(Array.from(out.y!.data)).toEqual([2, 4]);
    expect(live.size).toBe(0);
    await session.dispose();
    await expect(session.run({})).rejects.toThrow(/disposed/);
  });

  it('disposes everything when the run fails or an output is not float32', async () => {
    for (const mode of ['run fails', 'int output'] as const) {
      const session = await backendOver({ cpu: () => fakeSession(mode) }).createSession(
        new Uint8Array(),
        'm',
      );
      await expect(session.run({ x: { data: new Float32Array(2), dims: [1, 2] } })).rejects.toThrow(
        mode === 'run fails' ? /kernel failed/ : /output "extra" is int32, expected float32/,
      );
      expect(live.size).toBe(0);
    }
  });

  it('probes providers on the first graph, logs the fallback and keeps the winner', async () => {
    const log: string[] = [];
    const created: string[] = [];
    const backend = backendOver(
      {
        cuda: () => {
          created.push('cuda');
          throw new Error('libcudart.so.12: cannot open shared object file');
        },
        cpu: () => {
          created.push('cpu');
          return fakeSession();
        },
      },
      log,
    );
    expect(backend.name).toBe('onnxruntime-test/cuda|cpu');
    expect(backend.numThreads).toBe(3);
    await backend.createSession(new Uint8Array(), 'b/encoder.onnx');
    await backend.createSession(new Uint8Array(), 'b/first.onnx');
    expect(created).toEqual(['cuda', 'cpu', 'cpu']);
    expect(backend.provider).toBe('cpu');
    expect(backend.name).toBe('onnxruntime-test/cpu');
    expect(backend.failures).toEqual([
      { provider: 'cuda', reason: 'libcudart.so.12: cannot open shared object file' },
    ]);
    expect(log).toEqual([
      'slotmatch: execution provider "cuda" failed (libcudart.so.12: cannot open shared object file); falling back to "cpu"',
      'slotmatch: using execution provider "cpu" (cuda unavailable)',
    ]);
  });

  it('names devices outside the table', () => {
    expect(providersForDevice({ auto: ['cuda', 'cpu'], cpu: ['cpu'] }, 'cpu')).toEqual(['cpu']);
    expect(() => providersForDevice({ auto: ['cuda', 'cpu'] }, 'tpu')).toThrow(InputError);
    expect(() => providersForDevice({ auto: ['cuda', 'cpu'] }, 'toString')).toThrow(
      'device: unknown device "toString"; expected one of auto',
    );
  });
});
