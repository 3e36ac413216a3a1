/**
 * The onnxruntime-node implementation of the pipeline's InferenceBackend: core's
 * `createOrtBackend` (probe-then-fallback over the device's row of {@link DEVICE_EXECUTION_PROVIDERS},
 * every onnxruntime tensor disposed after each run) with onnxruntime-node sessions and the thread
 * settings passed to every session.
 */
import {
  createOrtBackend,
  InputError,
  type OrtBackend,
  type OrtSessionLike,
  type OrtTensorConstructor,
} from '@slotmatch/core';
import * as ort from 'onnxruntime-node';
import { executionProvidersFor, type NodeDevice } from './executionProviders.js';

/** Session options the backend passes to onnxruntime-node. */
export interface NodeSessionOptions {
  readonly executionProviders: readonly string[];
  readonly intraOpNumThreads?: number;
  readonly interOpNumThreads?: number;
  readonly graphOptimizationLevel: 'disabled' | 'basic' | 'extended' | 'all';
  readonly logSeverityLevel: 0 | 1 | 2 | 3 | 4;
  /** Whether idle onnxruntime pool threads busy-wait for the next run (session config `*.allow_spinning`). */
  readonly allowSpinning: boolean;
}

/** Creates an onnxruntime session from model bytes (injectable for tests). */
export type NodeSessionFactory = (model: Uint8Array, options: NodeSessionOptions) => Promise<OrtSessionLike>;

/** Options of {@link createNodeBackend}. */
export interface NodeBackendOptions {
  /** Device (default "auto": CUDA when present and working, else CPU). */
  readonly device?: NodeDevice;
  /** Threads inside one operator (onnxruntime default: all cores). */
  readonly intraOpNumThreads?: number;
  /** Threads across operators (used only with parallel execution mode). */
  readonly interOpNumThreads?: number;
  /** onnxruntime graph optimisation level (default "all"). */
  readonly graphOptimizationLevel?: NodeSessionOptions['graphOptimizationLevel'];
  /**
   * Let idle onnxruntime pool threads busy-wait between runs (default false). The pipeline does
   * pre- and post-processing on the JavaScript thread between runs; spinning pool threads take
   * the cores it needs (measured in the bench: 2–3× lower frame rate on a loaded 2-core machine).
   */
  readonly allowSpinning?: boolean;
  /** Where fallback messages go (default: console.warn). */
  readonly log?: (message: string) => void;
  /** Replaces `ort.InferenceSession.create` (tests inject failing providers). */
  readonly sessionFactory?: NodeSessionFactory;
}

/** An InferenceBackend on onnxruntime-node; `provider` is known after the first session. */
export type NodeBackend = OrtBackend;

/**
 * onnxruntime's process-wide log level, applied when the first session is created. Default
 * "fatal": every onnxruntime error also reaches us as an exception (and a failed CUDA probe would
 * otherwise print a library-loading error although the CPU fallback works).
 */
let logLevelSet = false;

const defaultFactory: NodeSessionFactory = async (model, options) => {
  if (!logLevelSet) {
    logLevelSet = true;
    if (process.env.SLOTMATCH_ORT_LOG_LEVEL)
      ort.env.logLevel = process.env.SLOTMATCH_ORT_LOG_LEVEL as typeof ort.env.logLevel;
    else ort.env.logLevel = 'fatal';
  }
  return (await ort.InferenceSession.create(model, {
    executionProviders: [...options.executionProviders],
    graphOptimizationLevel: options.graphOptimizationLevel,
    logSeverityLevel: options.logSeverityLevel,
    extra: {
      session: {
        intra_op: { allow_spinning: options.allowSpinning ? '1' : '0' },
        inter_op: { allow_spinning: options.allowSpinning ? '1' : '0' },
      },
    },
    ...(options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    ...(options.interOpNumThreads !== undefined ? { interOpNumThreads: options.interOpNumThreads } : {}),
  })) as unknown as OrtSessionLike;
};

function checkThreads(name: string, v: number | undefined): void {
  if (v !== undefined && (!Number.isInteger(v) || v < 0)) {
    throw new InputError(name, `must be a non-negative integer (0 = onnxruntime's default), got ${v}`);
  }
}

/** Create the onnxruntime-node backend (selection rule in executionProviders.ts, core `createOrtBackend`). */
export function createNodeBackend(options: NodeBackendOptions = {}): NodeBackend {
  const providers = executionProvidersFor(options.device ?? 'auto');
  checkThreads('intraOpNumThreads', options.intraOpNumThreads);
  checkThreads('interOpNumThreads', options.interOpNumThreads);
  const factory = options.sessionFactory ?? defaultFactory;
  const base = {
    graphOptimizationLevel: options.graphOptimizationLevel ?? 'all',
    allowSpinning: options.allowSpinning ?? false,
    ...(options.intraOpNumThreads !== undefined ? { intraOpNumThreads: options.intraOpNumThreads } : {}),
    ...(options.interOpNumThreads !== undefined ? { interOpNumThreads: options.interOpNumThreads } : {}),
  } as const;
  return createOrtBackend({
    runtime: 'onnxruntime-node',
    providers,
    // Quiet onnxruntime's own logging while probing; our log line says what failed.
    create: (model, provider, probing) =>
      factory(model, { ...base, executionProviders: [provider], logSeverityLevel: probing ? 4 : 3 }),
    Tensor: ort.Tensor as unknown as OrtTensorConstructor,
    log: options.log ?? ((m: string) => console.warn(m)),
  });
}
