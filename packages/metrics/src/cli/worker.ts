/**
 * Worker thread of `slotmatch-eval`: evaluates the sequences the main thread sends, one at a time.
 * Messages in: a {@link SequenceJob}. Out: `{ type: 'frame' }` per frame, then
 * `{ type: 'done', outcome }` or `{ type: 'error', message, subject?, rule? }`.
 */
import { parentPort } from 'node:worker_threads';
import { InputError } from '@slotmatch/core';
import { runJobSync, type SequenceJob } from './evaluateJob.js';

const port = parentPort;
if (!port) throw new Error('slotmatch-eval worker: must run in a worker thread');
port.on('message', (job: SequenceJob) => {
  try {
    const outcome = runJobSync(job, () => port.postMessage({ type: 'frame' }));
    port.postMessage({ type: 'done', outcome });
  } catch (e) {
    const error = e as Error;
    port.postMessage(
      e instanceof InputError
        ? { type: 'error', message: error.message, subject: e.subject, rule: e.rule }
        : { type: 'error', message: error.message },
    );
  }
});
