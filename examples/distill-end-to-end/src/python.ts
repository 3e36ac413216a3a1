/**
 * Running the PyTorch package: `<python> -m slotmatch_torch <command> …` with the repository's
 * `python/` folder first on PYTHONPATH (the package runs from its source folder, nothing to
 * install). Output goes to the caller's stderr, or is kept (last 64 kB) when quiet; a non-zero exit
 * is an error quoting the command and the tool's last lines.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@slotmatch/core';

/** The repository's python/ folder (this example lives in examples/<name>/{src,dist}). */
export const PYTHON_PACKAGE_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../../python');

/** Options of {@link runPython}. */
export interface PythonOptions {
  /** Interpreter with torch (default $SLOTMATCH_PYTHON, else "python3"). */
  readonly python?: string;
  /** Keep the tool's output instead of showing it. */
  readonly quiet?: boolean;
  readonly signal?: AbortSignal;
}

/** The interpreter to use. */
export function pythonPath(options: PythonOptions): string {
  return options.python ?? process.env.SLOTMATCH_PYTHON ?? 'python3';
}

function pythonEnv(): NodeJS.ProcessEnv {
  const path = process.env.PYTHONPATH;
  return {
    ...process.env,
    PYTHONPATH: path ? `${PYTHON_PACKAGE_DIR}${delimiter}${path}` : PYTHON_PACKAGE_DIR,
  };
}

/**
 * Check before any work that the interpreter imports torch and slotmatch_torch and that the
 * package has every command in `commands` (its `--help` lists them); throws an InputError saying
 * what is missing.
 */
export function checkPython(options: PythonOptions, commands: readonly string[]): void {
  const python = pythonPath(options);
  if (!existsSync(join(PYTHON_PACKAGE_DIR, 'slotmatch_torch'))) {
    throw new InputError(PYTHON_PACKAGE_DIR, 'the slotmatch_torch sources are not there');
  }
  const r = spawnSync(python, ['-c', 'import torch, slotmatch_torch'], {
    env: pythonEnv(),
    encoding: 'utf8',
  });
  if (r.error || r.status !== 0) {
    throw new InputError(
      python,
      `cannot import torch and slotmatch_torch (${r.error?.message ?? r.stderr.trim().split('\n').at(-1)}); ` +
        'pass --python or set SLOTMATCH_PYTHON to an interpreter with PyTorch',
    );
  }
  const help = spawnSync(python, ['-m', 'slotmatch_torch', '--help'], { env: pythonEnv(), encoding: 'utf8' });
  const listed = `${help.stdout}${help.stderr}`;
  const missing = commands.filter((c) => !new RegExp(`^\\s+${c}\\s`, 'm').test(listed));
  if (missing.length > 0) {
    throw new InputError(
      'slotmatch_torch',
      `has no ${missing.join(', ')} command (python3 -m slotmatch_torch --help)`,
    );
  }
}

/** Run `python -m slotmatch_torch <args>` (rules in the file header). */
export function runPython(args: readonly string[], options: PythonOptions = {}): Promise<void> {
  const python = pythonPath(options);
  const quiet = options.quiet === true;
  return new Promise((resolvePromise, reject) => {
    const child = spawn(python, ['-m', 'slotmatch_torch', ...args], {
      env: pythonEnv(),
      stdio: ['ignore', quiet ? 'pipe' : 'inherit', quiet ? 'pipe' : 'inherit'],
      ...(options.signal ? { signal: options.signal } : {}),
    });
    let output = '';
    const keep = (d: Buffer) => {
      output = (output + d.toString('utf8')).slice(-65536);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (e) => reject(new InputError(python, `cannot run it (${e.message})`)));
    child.on('close', (code, signal) => {
      if (code === 0) return resolvePromise();
      const tail = output.trim().split('\n').slice(-8).join('\n');
      reject(
        new Error(
          `python3 -m slotmatch_torch ${args.join(' ')} failed (${signal ?? `exit ${code}`})${tail ? `:\n${tail}` : ''}`,
        ),
      );
    });
  });
}
