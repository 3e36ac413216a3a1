/** Options shared by the CLI commands: device, threads, batch size, frame limit. */
import { InputError } from '@slotmatch/core';
import { executionProvidersFor, type NodeDevice } from '../backend/executionProviders.js';

export const COMMON_OPTIONS = {
  device: { type: 'string' },
  threads: { type: 'string' },
  'inter-threads': { type: 'string' },
  batch: { type: 'string' },
  'max-frames': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** A positive integer option, or undefined when absent. */
export function intOption(values: Record<string, unknown>, name: string, min = 1): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new InputError(`--${name}`, `must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

/** Backend options from the command line. */
export function backendOptions(values: Record<string, unknown>, log: (m: string) => void) {
  const device = (values.device as string | undefined) ?? 'auto';
  executionProvidersFor(device);
  const intra = intOption(values, 'threads', 0);
  const inter = intOption(values, 'inter-threads', 0);
  return {
    device: device as NodeDevice,
    log,
    ...(intra !== undefined ? { intraOpNumThreads: intra } : {}),
    ...(inter !== undefined ? { interOpNumThreads: inter } : {}),
  };
}
