/**
 * Device → execution-provider table of onnxruntime-node (as transformers.js maps devices): a
 * device names an ordered list of providers; the first graph of a bundle is loaded with each in
 * turn (core `probeProviders`) and the provider that worked is used for the remaining graphs. CUDA
 * is picked only when its provider library loads and creates a session.
 */
import { providersForDevice } from '@slotmatch/core';

/** Devices accepted by {@link createNodeBackend}. */
export type NodeDevice = 'auto' | 'gpu' | 'cuda' | 'webgpu' | 'dml' | 'coreml' | 'cpu';

/** onnxruntime-node execution providers tried, in order, for each device. */
export const DEVICE_EXECUTION_PROVIDERS: Readonly<Record<NodeDevice, readonly string[]>> = {
  auto: ['cuda', 'cpu'],
  gpu: ['cuda', 'dml', 'coreml', 'webgpu'],
  cuda: ['cuda'],
  webgpu: ['webgpu'],
  dml: ['dml'],
  coreml: ['coreml'],
  cpu: ['cpu'],
};

/** The provider list for a device (throws an InputError naming the device when unknown). */
export function executionProvidersFor(device: string): readonly string[] {
  return providersForDevice(DEVICE_EXECUTION_PROVIDERS, device);
}
