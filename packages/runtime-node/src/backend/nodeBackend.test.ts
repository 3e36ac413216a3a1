import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, probeProviders } from '@slotmatch/core';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { DEVICE_EXECUTION_PROVIDERS, executionProvidersFor } from './executionProviders.js';
import { createNodeBackend, type NodeSessionFactory, type NodeSessionOptions } from './nodeBackend.js';

// Sessions created directly below initialise onnxruntime's logger before the backend would quieten it.
ort.env.logLevel = 'fatal';

const miniEncoder = join(dirname(fileURLToPath(import.meta.url)), '../../test/models/mini/encoder.onnx');

/** A factory that behaves like a machine without CUDA: the cuda provider's library fails to load. */
function machineWithoutCuda(calls: NodeSessionOptions[]): NodeSessionFactory {
  return async (model, options) => {
    calls.push(options);
    if (options.executionProviders.includes('cuda')) {
      throw new Error(
        'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library\nmore detail',
      );
    }
    return (await ort.InferenceSession.create(model, {
      executionProviders: [...options.executionProviders],
    })) as never;
  };
}

describe('execution provider table', () => {
  it('maps devices to ordered provider lists, CUDA first then CPU for auto', () => {
    expect(executionProvidersFor('auto')).toEqual(['cuda', 'cpu']);
    expect(executionProvidersFor('cpu')).toEqual(['cpu']);
    expect(DEVICE_EXECUTION_PROVIDERS.cuda).toEqual(['cuda']);
    expect(() => executionProvidersFor('tpu')).toThrow(
      /device: unknown device "tpu"; expected one of auto, gpu/,
    );
  });

  it('probeProviders returns the first provider that works and logs each fallback', async () => {
    const log: string[] = [];
    const r = await probeProviders(
      ['cuda', 'dml', 'cpu'],
      async (p) => {
        if (p !== 'cpu') throw new Error(`${p} missing`);
        return 42;
      },
      (m) => log.push(m),
      'x.onnx',
    );
    expect(r).toMatchObject({ provider: 'cpu', value: 42 });
    expect(r.failures.map((f) => f.provider)).toEqual(['cuda', 'dml']);
    expect(log).toEqual([
      'slotmatch: execution provider "cuda" failed (cuda missing); falling back to "dml"',
      'slotmatch: execution provider "dml" failed (dml missing); falling back to "cpu"',
      'slotmatch: using execution provider "cpu" (cuda unavailable, dml unavailable)',
    ]);
  });

  it('probeProviders fails with every reason when no provider works', async () => {
    const err = await probeProviders(
      ['cuda'],
      async () => Promise.reject(new Error('no driver')),
      () => {},
      'b/encoder.onnx',
    ).catch((e) => e);
    expect(err).toBeInstanceOf(InputError);
    expect(err.message).toBe('b/encoder.onnx: no execution provider could load it: cuda: no driver');
  });
});

describe('createNodeBackend', () => {
  it('falls back from CUDA to CPU once, logs it, and keeps CPU for later sessions with the thread settings', async () => {
    const calls: NodeSessionOptions[] = [];
    const log: string[] = [];
    const backend = createNodeBackend({
      device: 'auto',
      intraOpNumThreads: 1,
      interOpNumThreads: 1,
      sessionFactory: machineWithoutCuda(calls),
      log: (m) => log.push(m),
    });
    expect(backend.provider).toBeUndefined();
    const bytes = new Uint8Array(await readFile(miniEncoder));
    const a = await backend.createSession(bytes, 'mini/encoder.onnx');
    const b = await backend.createSession(bytes, 'mini/encoder.onnx');
    expect(backend.provider).toBe('cpu');
    expect(backend.name).toBe('onnxruntime-node/cpu');
    expect(backend.failures).toEqual([
      {
        provider: 'cuda',
        reason: 'OrtSessionOptionsAppendExecutionProvider_Cuda: Failed to load shared library',
      },
    ]);
    expect(calls.map((c) => c.executionProviders)).toEqual([['cuda'], ['cpu'], ['cpu']]);
    expect(calls.every((c) => c.intraOpNumThreads === 1 && c.interOpNumThreads === 1)).toBe(true);
    expect(calls.every((c) => c.allowSpinning === false)).toBe(true);
    expect(log[0]).toMatch(/execution provider "cuda" failed .*falling back to "cpu"/);
    // The session works and exposes the graph signature.
    expect(a.signature.inputs[0]).toEqual({ name: 'pixels', type: 'float32', dims: ['batch', 3, 24, 32] });
    const out = await a.run({ pixels: { data: new Float32Array(2 * 3 * 24 * 32), dims: [2, 3, 24, 32] } });
    expect(out.features!.dims).toEqual([2, 12, 8]);
    await a.dispose();
    await b.dispose();
    await expect(a.run({})).rejects.toThrow(/disposed/);
  });

  it('uses CUDA when the provider works', async () => {
    const calls: NodeSessionOptions[] = [];
    const backend = createNodeBackend({
      device: 'auto',
      // Pretend CUDA works (run it on CPU underneath) to check that no fallback happens.
      sessionFactory: async (model, options) => {
        calls.push(options);
        return (await ort.InferenceSession.create(model)) as never;
      },
      log: () => {
        throw new Error('no log expected');
      },
    });
    await backend.createSession(new Uint8Array(await readFile(miniEncoder)), 'e');
    expect(backend.provider).toBe('cuda');
    expect(calls.map((c) => c.executionProviders)).toEqual([['cuda']]);
  });

  it('really probes onnxruntime-node here (no CUDA on this machine: CPU after a logged fallback)', async () => {
    const log: string[] = [];
    const backend = createNodeBackend({ log: (m) => log.push(m) });
    const s = await backend.createSession(new Uint8Array(await readFile(miniEncoder)), 'mini/encoder.onnx');
    await s.dispose();
    expect(['cuda', 'cpu']).toContain(backend.provider);
    if (backend.provider === 'cpu') expect(log.join('\n')).toMatch(/"cuda" failed/);
  });

  it('rejects bad thread counts and devices', () => {
    expect(() => createNodeBackend({ intraOpNumThreads: -1 })).toThrow(/intraOpNumThreads/);
    expect(() => createNodeBackend({ device: 'quantum' as never })).toThrow(/unknown device/);
  });
});
