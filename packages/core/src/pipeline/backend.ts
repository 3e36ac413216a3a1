/**
 * The inference backend interface the video pipeline runs on. Core never imports an inference
 * library: `@slotmatch/runtime-node` implements it with onnxruntime-node, `@slotmatch/runtime-web`
 * with onnxruntime-web, and tests with plain functions.
 *
 * Contract: `run` takes host float32 tensors and returns host float32 tensors whose data the
 * caller owns; every library-side tensor (inputs and outputs) is released before `run` resolves,
 * so nothing but the returned arrays outlives a call.
 */
import type { GraphSignature } from '../bundle/graphIO.js';

/** A float32 tensor in host memory, row-major. */
export interface HostTensor {
  readonly data: Float32Array;
  readonly dims: readonly number[];
}

/** One loaded graph. */
export interface InferenceSession {
  /** Names, types and dims of the graph's inputs and outputs (checked against the manifest). */
  readonly signature: GraphSignature;
  /** Run the graph on `feeds` (one tensor per input name); resolves to every output by name. */
  run(feeds: Readonly<Record<string, HostTensor>>): Promise<Record<string, HostTensor>>;
  /** Release the session; further runs reject. */
  dispose(): Promise<void>;
}

/** Creates sessions from ONNX bytes on one execution provider. */
export interface InferenceBackend {
  /** E.g. "onnxruntime-node/cpu", "onnxruntime-web/webgpu". */
  readonly name: string;
  /**
   * Load ONNX model bytes. Rejects when the bytes are not a loadable model; `subject` (bundle and
   * file name) is what the error should name.
   */
  createSession(model: Uint8Array, subject: string): Promise<InferenceSession>;
}

/** Number of values of a shape: Π dims. */
export function shapeSize(dims: readonly number[]): number {
  let n = 1;
  for (const d of dims) n *= d;
  return n;
}
