/**
 * Probe-then-fallback over an ordered list of execution providers (the approach of transformers.js
 * `deviceToExecutionProviders`): try each provider in turn, log every failure with its reason, and
 * use the first that works. Shared by the Node and browser runtimes (their tables differ).
 */
import { InputError } from '../errors/index.js';

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
