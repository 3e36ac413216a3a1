import { builtinModules, createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { InputError } from '@slotmatch/core';
import { evaluateJob, type JobOutcome, runJobSync, type SequenceJob } from './evaluateJob.js';

/**
 * Start one evaluation worker. From the build (`dist/`), the worker is the bundled `worker.js`
 * beside this code. From the TypeScript sources (vitest), there is no JavaScript file to start, so
 * the worker bundles `worker.ts` on the fly with `unrun` (the TypeScript loader tsdown itself uses,
 * a development dependency of the repository), resolving workspace packages to their sources
 * through the `@slotmatch/source` condition.
 */
function startWorker(): Worker {
  const here = import.meta.url;
  if (!here.endsWith('.ts')) return new Worker(new URL('./worker.js', here));
  const workerPath = fileURLToPath(new URL('./worker.ts', here));
  const unrun = pathToFileURL(createRequire(here).resolve('unrun')).href;
  const external = JSON.stringify(builtinModules);
  const code = `
    const builtins = new Set(${external});
    import(${JSON.stringify(unrun)}).then(({ unrun }) => unrun({
      path: ${JSON.stringify(workerPath)},
      inputOptions: {
        resolve: { conditionNames: ['@slotmatch/source', 'import', 'default'] },
        external: (id) => id.startsWith('node:') || builtins.has(id),
      },
    }));`;
  return new Worker(code, { eval: true });
}

type WorkerMessage =
  | { type: 'frame' }
  | { type: 'done'; outcome: JobOutcome }
  | { type: 'error'; message: string; subject?: string; rule?: string };

/**
 * Evaluate `jobs` on `threads` threads: this one and `threads − 1` workers, each taking the next
 * job when it is free (this thread yields to the event loop after every frame, so the workers'
 * messages flow). Results come back in the order of `jobs`. On a failure no further job starts, the
 * running ones finish, and the error of the earliest failing job is thrown — the same error a
 * sequential run would give, since every job before it has been run.
 */
export async function runJobs(
  jobs: readonly SequenceJob[],
  threads: number,
  onFrame: () => void,
): Promise<JobOutcome[]> {
  const count = Math.min(threads, jobs.length);
  if (count <= 1) return jobs.map((job) => runJobSync(job, onFrame));
  const outcomes: JobOutcome[] = new Array(jobs.length);
  const errors = new Map<number, Error>();
  let next = 0;
  let stopped = false; // a worker failed: this thread stops too
  const take = () => (!stopped && next < jobs.length && errors.size === 0 ? next++ : -1);

  const here = async () => {
    for (let n = take(); n >= 0; n = take()) {
      try {
        const frames = evaluateJob(jobs[n]!);
        for (let step = frames.next(); !stopped; step = frames.next()) {
          if (step.done) {
            outcomes[n] = step.value;
            break;
          }
          onFrame();
          await new Promise((resolve) => setImmediate(resolve));
        }
      } catch (e) {
        errors.set(n, e as Error);
      }
    }
  };

  const inWorker = (worker: Worker) =>
    new Promise<void>((resolve, reject) => {
      let current = -1;
      const dispatch = () => {
        current = take();
        if (current < 0) resolve();
        else worker.postMessage(jobs[current]);
      };
      worker.on('message', (m: WorkerMessage) => {
        if (m.type === 'frame') {
          onFrame();
          return;
        }
        if (m.type === 'done') outcomes[current] = m.outcome;
        else {
          errors.set(
            current,
            m.subject !== undefined && m.rule !== undefined
              ? new InputError(m.subject, m.rule)
              : new Error(m.message),
          );
        }
        dispatch();
      });
      worker.on('error', reject);
      worker.on('exit', (code) => {
        if (current >= 0 && outcomes[current] === undefined && !errors.has(current)) {
          reject(new Error(`evaluation worker stopped (exit code ${code})`));
        }
      });
      dispatch();
    });

  const workers = Array.from({ length: count - 1 }, startWorker);
  try {
    await Promise.all([...workers.map(inWorker), here()]);
  } finally {
    stopped = true;
    await Promise.all(workers.map((w) => w.terminate()));
  }
  if (errors.size > 0) throw errors.get(Math.min(...errors.keys()))!;
  return outcomes;
}
