/**
 * What every CLI command shares: parsing (`node:util` parseArgs with the common options), `--help`,
 * the one input positional, the required options of the command, and the common options turned
 * into values — device and threads (backend options), batch size and frame limit.
 */
import { parseArgs } from 'node:util';
import { InputError } from '@slotmatch/core';
import { executionProvidersFor, type NodeDevice } from '../backend/executionProviders.js';
import type { NodeBackendOptions } from '../backend/nodeBackend.js';

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  device: { type: 'string' },
  threads: { type: 'string' },
  'inter-threads': { type: 'string' },
  batch: { type: 'string' },
  'max-frames': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** Usage text of the common options. */
export const COMMON_USAGE =
  '[--device auto|cpu|cuda|webgpu] [--threads N] [--inter-threads N] [--batch N] [--max-frames N]';

/** A positive integer option, or undefined when absent. */
export function intOption(values: Record<string, unknown>, name: string, min = 1): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min)
    throw new InputError(`--${name}`, `must be an integer ≥ ${min}, got ${JSON.stringify(raw)}`);
  return n;
}

/** Backend options from the command line (device checked against the provider table). */
export function backendOptions(
  values: Record<string, unknown>,
  log: (m: string) => void,
): NodeBackendOptions {
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

/** A command's own string options, and which of them are required (with their placeholder). */
export interface CommandSpec<K extends string> {
  readonly name: string;
  readonly usage: string;
  readonly options: readonly K[];
  readonly required: Partial<Record<K, string>>;
}

/** A parsed command line. */
export interface ParsedCommand<K extends string> {
  /** The command's own options (required ones are present). */
  readonly values: Readonly<Partial<Record<K, string>>>;
  /** The input video or image folder. */
  readonly input: string;
  readonly batchSize: number | undefined;
  readonly maxFrames: number | undefined;
  readonly backend: NodeBackendOptions;
}

/**
 * Parse `argv` for a command (rules in the file header); prints the usage through `io.log` and
 * resolves to undefined when `--help` was asked. Usage errors are InputErrors naming the command
 * and carrying the usage; `io.warn` receives the backend's fallback messages.
 */
export function parseCommand<K extends string>(
  argv: readonly string[],
  spec: CommandSpec<K>,
  io: { log: (m: string) => void; warn: (m: string) => void },
): ParsedCommand<K> | undefined {
  const own = Object.fromEntries(spec.options.map((k) => [k, { type: 'string' as const }]));
  const parsed = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: { ...own, ...COMMON_OPTIONS },
  });
  const values = parsed.values as Record<string, string | boolean | undefined>;
  const positionals = parsed.positionals;
  if (values.help) {
    io.log(spec.usage);
    return undefined;
  }
  if (positionals.length !== 1) {
    throw new InputError(spec.name, `expects one input video or folder\nusage: ${spec.usage}`);
  }
  for (const [key, placeholder] of Object.entries(spec.required) as [string, string][]) {
    if (!values[key])
      throw new InputError(spec.name, `--${key} ${placeholder} is required\nusage: ${spec.usage}`);
  }
  const mine = Object.fromEntries(
    spec.options.filter((k) => values[k] !== undefined).map((k) => [k, values[k]]),
  );
  return {
    values: mine as Partial<Record<K, string>>,
    input: positionals[0]!,
    batchSize: intOption(values, 'batch'),
    maxFrames: intOption(values, 'max-frames'),
    backend: backendOptions(values, io.warn),
  };
}
