/**
 * Adapter from an onnxruntime `InferenceSession` (onnxruntime-node or onnxruntime-web — the same
 * onnxruntime-common API) to the pipeline's {@link InferenceSession}. Typed structurally, so core
 * does not depend on onnxruntime; each runtime passes its own `Tensor` class.
 *
 * Tensor lifetime: every input tensor is created for one `run` and disposed after it; every output
 * is read to host memory (`getData()`, a download for GPU-resident outputs) and disposed before
 * `run` resolves — including outputs the pipeline does not use and on failure.
 */
import type { TensorInfo } from '../bundle/graphIO.js';
import type { HostTensor, InferenceSession } from './backend.js';

/** The parts of an onnxruntime tensor the adapter uses. */
export interface OrtTensorLike {
  readonly dims: readonly number[];
  readonly type: string;
  getData(): Promise<unknown>;
  dispose(): void;
}

/** `new Tensor("float32", data, dims)` of onnxruntime-common. */
export type OrtTensorConstructor = new (
  type: 'float32',
  data: Float32Array,
  dims: readonly number[],
) => OrtTensorLike;

/** The parts of an onnxruntime session the adapter uses. */
export interface OrtSessionLike {
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  readonly inputMetadata?: readonly {
    name: string;
    isTensor: boolean;
    type?: string;
    shape?: readonly (number | string)[];
  }[];
  readonly outputMetadata?: readonly {
    name: string;
    isTensor: boolean;
    type?: string;
    shape?: readonly (number | string)[];
  }[];
  run(feeds: Record<string, OrtTensorLike>): Promise<Record<string, OrtTensorLike>>;
  release(): Promise<void>;
}

function describe(names: readonly string[], metadata: OrtSessionLike['inputMetadata']): TensorInfo[] {
  return names.map((name) => {
    const m = metadata?.find((x) => x.name === name);
    if (!m) return { name };
    if (!m.isTensor) return { name, type: 'non-tensor' };
    return { name, ...(m.type ? { type: m.type } : {}), ...(m.shape ? { dims: [...m.shape] } : {}) };
  });
}

/** Wrap an onnxruntime session (lifetime rules in the file header). */
export function wrapOrtSession(session: OrtSessionLike, Tensor: OrtTensorConstructor): InferenceSession {
  let released = false;
  return {
    signature: {
      inputs: describe(session.inputNames, session.inputMetadata),
      outputs: describe(session.outputNames, session.outputMetadata),
    },
    async run(feeds) {
      if (released) throw new Error('the session has been disposed');
      const inputs: Record<string, OrtTensorLike> = {};
      let outputs: Record<string, OrtTensorLike> = {};
      try {
        for (const [name, t] of Object.entries(feeds)) inputs[name] = new Tensor('float32', t.data, t.dims);
        outputs = await session.run(inputs);
        const host: Record<string, HostTensor> = {};
        for (const [name, t] of Object.entries(outputs)) {
          const data = await t.getData();
          if (!(data instanceof Float32Array))
            throw new Error(`output "${name}" is ${t.type}, expected float32`);
          host[name] = { data, dims: [...t.dims] };
        }
        return host;
      } finally {
        for (const t of Object.values(inputs)) t.dispose();
        for (const t of Object.values(outputs)) t.dispose();
      }
    },
    async dispose() {
      if (released) return;
      released = true;
      await session.release();
    },
  };
}
