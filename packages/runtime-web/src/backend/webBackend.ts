/**
 * The onnxruntime-web implementation of the pipeline's InferenceBackend.
 *
 * Device table: "auto" → WebGPU, then wasm; "webgpu" → WebGPU only; "wasm" → wasm only. WebGPU is
 * probed for real (an adapter must be granted and the first graph must load on it); any failure
 * is logged and the next provider is tried (core `createOrtBackend`). The wasm provider runs
 * multi-threaded when the page is cross-origin isolated (COOP/COEP headers: SharedArrayBuffer
 * available), single-threaded otherwise. Every onnxruntime tensor is disposed after each run
 * (core `wrapOrtSession`); outputs are read back to the CPU.
 */
import {
  createOrtBackend,
  InputError,
  type OrtBackend,
  type OrtSessionLike,
  type OrtTensorConstructor,
  providersForDevice,
} from '@slotmatch/core';
import * as ort from 'onnxruntime-web';

/** Devices accepted by {@link createWebBackend}. */
export type WebDevice = 'auto' | 'webgpu' | 'wasm';

/** onnxruntime-web execution providers tried, in order, for each device. */
export const WEB_DEVICE_EXECUTION_PROVIDERS: Readonly<Record<WebDevice, readonly string[]>> = {
  auto: ['webgpu', 'wasm'],
  webgpu: ['webgpu'],
  wasm: ['wasm'],
};

/** Session options the backend passes to onnxruntime-web. */
export interface WebSessionOptions {
  readonly executionProviders: readonly string[];
  readonly graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
}

/** Creates a session from model bytes (injectable for tests). */
export type WebSessionFactory = (model: Uint8Array, options: WebSessionOptions) => Promise<OrtSessionLike>;

/** Options of {@link createWebBackend}. */
export interface WebBackendOptions {
  /** Device (default "auto": WebGPU when available, else wasm). */
  readonly device?: WebDevice;
  /**
   * URL prefix (or per-file map) of onnxruntime-web's `.wasm`/`.mjs` files, e.g. "/ort/" when the
   * page serves `node_modules/onnxruntime-web/dist/` there (sets `ort.env.wasm.wasmPaths`).
   */
  readonly wasmPaths?: string;
  /** wasm threads (default: min(4, hardwareConcurrency) when cross-origin isolated, else 1). */
  readonly numThreads?: number;
  /** onnxruntime graph optimisation level (default "all"). */
  readonly graphOptimizationLevel?: WebSessionOptions['graphOptimizationLevel'];
  /** Where fallback messages go (default: console.warn). */
  readonly log?: (message: string) => void;
  /** Replaces `ort.InferenceSession.create` (tests). */
  readonly sessionFactory?: WebSessionFactory;
}

/** An InferenceBackend on onnxruntime-web; `provider` is known after the first session. */
export interface WebBackend extends OrtBackend {
  /** wasm threads in use. */
  readonly numThreads: number;
}

/** Whether the page may use SharedArrayBuffer (needed for wasm threads). */
export function isCrossOriginIsolated(): boolean {
  return (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;
}

async function webGpuAvailable(): Promise<string | undefined> {
  const gpu = (globalThis.navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } })?.gpu;
  if (!gpu) return 'navigator.gpu is missing (no WebGPU in this browser or context)';
  const adapter = await gpu.requestAdapter().catch(() => null);
  return adapter ? undefined : 'no WebGPU adapter was granted';
}

const defaultFactory: WebSessionFactory = async (model, options) =>
  (await ort.InferenceSession.create(model, {
    executionProviders: [...options.executionProviders],
    graphOptimizationLevel: options.graphOptimizationLevel,
  })) as unknown as OrtSessionLike;

/** Create the onnxruntime-web backend (rules in the file header, core `createOrtBackend`). */
export function createWebBackend(options: WebBackendOptions = {}): WebBackend {
  const providers = providersForDevice(WEB_DEVICE_EXECUTION_PROVIDERS, options.device ?? 'auto');
  const isolated = isCrossOriginIsolated();
  const cores = (globalThis.navigator as Navigator | undefined)?.hardwareConcurrency ?? 1;
  const numThreads = options.numThreads ?? (isolated ? Math.max(1, Math.min(4, cores)) : 1);
  if (!Number.isInteger(numThreads) || numThreads < 1) {
    throw new InputError('numThreads', `must be a positive integer, got ${options.numThreads}`);
  }
  if (numThreads > 1 && !isolated) {
    throw new InputError('numThreads', 'wasm threads need a cross-origin isolated page (COOP/COEP headers)');
  }
  if (!options.sessionFactory) {
    ort.env.wasm.numThreads = numThreads;
    if (options.wasmPaths !== undefined) ort.env.wasm.wasmPaths = options.wasmPaths;
    ort.env.logLevel = 'error';
  }
  const factory = options.sessionFactory ?? defaultFactory;
  const graphOptimizationLevel = options.graphOptimizationLevel ?? 'all';
  return createOrtBackend(
    {
      runtime: 'onnxruntime-web',
      providers,
      create: async (model, provider) => {
        if (provider === 'webgpu' && !options.sessionFactory) {
          const missing = await webGpuAvailable();
          if (missing) throw new Error(missing);
        }
        // onnxruntime-web may keep a reference to the bytes it is given: pass a copy it can own.
        return factory(model.slice(), { executionProviders: [provider], graphOptimizationLevel });
      },
      Tensor: ort.Tensor as unknown as OrtTensorConstructor,
      log: options.log ?? ((m: string) => console.warn(m)),
    },
    { numThreads },
  );
}
