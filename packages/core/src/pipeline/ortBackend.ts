/**
 * The InferenceBackend of both runtimes over onnxruntime (node or web — the same onnxruntime-common
 * API): an ordered list of execution providers (a device's row of the runtime's table), chosen by
 * probe-then-fallback on the first graph ({@link probeProviders}: each failure logged, the first
 * provider that loads the graph wins) and kept for every later graph; sessions wrapped by
 * {@link wrapOrtSession}, so every onnxruntime tensor is disposed after each run.
 */
import { InputError } from '../errors/index.js';
import type { InferenceBackend, InferenceSession } from './backend.js';
import { type OrtSessionLike, type OrtTensorConstructor, wrapOrtSession } from './ortSessionAdapter.js';
import { type ProviderFailure, probeProviders } from './probeProviders.js';

/** What a runtime plugs into {@link createOrtBackend}. */
export interface OrtBackendOptions {
  /** Library name for `backend.name`, e.g. "onnxruntime-node". */
  readonly runtime: string;
  /** Execution providers to try, in order. */
  readonly providers: readonly string[];
  /**
   * Create an onnxruntime session of `model` on one provider; `probing` is true while the provider
   * is still being chosen (a runtime may quieten onnxruntime's own logging then).
   */
  readonly create: (model: Uint8Array, provider: string, probing: boolean) => Promise<OrtSessionLike>;
  /** The runtime's onnxruntime `Tensor` class. */
  readonly Tensor: OrtTensorConstructor;
  /** Where fallback messages go. */
  readonly log: (message: string) => void;
}

/** An InferenceBackend over onnxruntime; `provider` is known after the first session. */
export interface OrtBackend extends InferenceBackend {
  /** The execution provider in use (undefined before the first session). */
  readonly provider: string | undefined;
  /** Providers that failed while probing. */
  readonly failures: readonly ProviderFailure[];
}

/**
 * The execution providers of `device` in a runtime's device table; an InputError naming the device
 * and the known ones otherwise.
 */
export function providersForDevice<D extends string>(
  table: Readonly<Record<D, readonly string[]>>,
  device: string,
): readonly string[] {
  if (!Object.hasOwn(table, device)) {
    throw new InputError(
      'device',
      `unknown device "${device}"; expected one of ${Object.keys(table).join(', ')}`,
    );
  }
  return table[device as D];
}

/**
 * Create the backend (selection rule in the file header). `extra` fields (e.g. the wasm thread
 * count of the web runtime) are copied onto the returned object.
 */
export function createOrtBackend<E extends object = object>(
  options: OrtBackendOptions,
  extra?: E,
): OrtBackend & E {
  const { runtime, providers, create, Tensor, log } = options;
  let provider: string | undefined;
  let failures: ProviderFailure[] = [];
  return {
    ...(extra as E),
    get name() {
      return `${runtime}/${provider ?? providers.join('|')}`;
    },
    get provider() {
      return provider;
    },
    get failures() {
      return failures;
    },
    async createSession(model: Uint8Array, subject: string): Promise<InferenceSession> {
      if (provider === undefined) {
        const chosen = await probeProviders(providers, (p) => create(model, p, true), log, subject);
        provider = chosen.provider;
        failures = chosen.failures;
        return wrapOrtSession(chosen.value, Tensor);
      }
      return wrapOrtSession(await create(model, provider, false), Tensor);
    },
  };
}
