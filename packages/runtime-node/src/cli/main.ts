/**
 * `slotmatch` command line: dispatches to `segment` and `compare`. Every failure prints one clear
 * message on stderr (`slotmatch: <what>: <why>`) and returns exit code 1; outputs are written
 * under temporary names, so a failed run leaves nothing behind.
 */
import { InputError } from '@slotmatch/core';
import { COMPARE_USAGE, compareCommand } from './compareCommand.js';
import { SEGMENT_USAGE, segmentCommand } from './segmentCommand.js';

const USAGE = `usage:\n  ${SEGMENT_USAGE}\n  ${COMPARE_USAGE}`;

/** Console-like sinks (tests capture them). */
export interface CliIO {
  log(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

const consoleIO: CliIO = {
  log: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

/** Run the CLI with `argv` (without node and script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIO = consoleIO): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === 'segment') return await segmentCommand(rest, io);
    if (command === 'compare') return await compareCommand(rest, io);
    if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
      io.log(USAGE);
      return command === undefined ? 1 : 0;
    }
    throw new InputError(command, `unknown command\n${USAGE}`);
  } catch (e) {
    if (e instanceof InputError) io.error(`slotmatch: ${e.message}`);
    else if (e instanceof Error && (e as NodeJS.ErrnoException).code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION')
      io.error(`slotmatch: ${e.message}\n${USAGE}`);
    else io.error(`slotmatch: ${e instanceof Error ? e.message : String(e)}`);
    return 1;
  }
}
