/**
 * Device → execution-provider table and probe-then-fallback selection for onnxruntime-node
 * (the approach of transformers.js `deviceToExecutionProviders`): a device names an ordered list
 * of providers; the first graph of a bundle is loaded with each provider in turn until one
 * works, every failure is logged with its reason, and the provider that worked is used for the
 * remaining graphs. CUDA is picked only when its provider library loads and creates a session.
 */
import { InputError } from '@slotmatch/core';

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
  if (!Object.hasOwn(DEVICE_EXECUTION_PROVIDERS, device)) {
    throw new InputError(
      'device',
      `unknown device "${device}"; expected one of ${Object.keys(DEVICE_EXECUTION_PROVIDERS).join(', ')}`,
    );
  }
  return DEVICE_EXECUTION_PROVIDERS[device as NodeDevice];
}

/** One provider that failed during selection, and why. */
export interface ProviderFailure {
  readonly provider: string;
  readonly reason: string;
}

/**
 * Try `create(provider)` for each provider in order; resolve to the first success with the
 * failures before it (each also reported through `log`). Rejects with an InputError listing every
 * failure when none works.
 */
export async function probeProviders<T>(
  providers: readonly string[],
  create: (provider: string) => Promise<T>,
  log: (message: string) => void,
  subject: string,
): Promise<{ provider: string; value: T; failures: ProviderFailure[] }> {
  const failures: ProviderFailure[] = [];
  for (const provider of providers) {
    try {
      const value = await create(provider);
      if (failures.length > 0) {
        log(
          `slotmatch: using execution provider "${provider}" (${failures.map((f) => `${f.provider} unavailable`).join(', ')})`,
        );
      }
      return { provider, value, failures };
    } catch (e) {
      const reason = firstLine(e instanceof Error ? e.message : String(e));
      failures.push({ provider, reason });
      const next = providers[providers.indexOf(provider) + 1];
      log(
        `slotmatch: execution provider "${provider}" failed (${reason})${next ? `; falling back to "${next}"` : ''}`,
      );
    }
  }
  throw new InputError(
    subject,
    `no execution provider could load it: ${failures.map((f) => `${f.provider}: ${f.reason}`).join('; ')}`,
  );
}

function firstLine(s: string): string {
  const line = s.split('\n').find((l) => l.trim() !== '') ?? s;
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
