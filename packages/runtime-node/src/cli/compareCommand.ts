/**
 * `slotmatch compare <video|folder> --teacher <bundle> --student <bundle> [--json FILE]`:
 * runs both models on every frame; prints mean slot cosine, J, F, J&F of the student's label maps
 * against the teacher's, both frame rates and the speed ratio; `--json` streams the per-frame
 * agreement and the summary into a temporary file renamed when complete.
 */
import { ComparisonAccumulator, InputError, type SlotMatching } from '@slotmatch/core';
import { createNodeBackend } from '../backend/nodeBackend.js';
import { FramesJsonWriter } from '../output/framesJsonWriter.js';
import { compare, loadSegmenter } from '../segmenter.js';
import { type AtomicPath, atomicPath } from './atomicOutput.js';
import { openInput } from './inputFrames.js';
import { COMMON_USAGE, parseCommand } from './options.js';
import { createProgress } from './progress.js';

export const COMPARE_USAGE =
  'slotmatch compare <video|folder> --teacher <bundle> --student <bundle> [--json FILE] [--matching index|hungarian]\n' +
  `                  ${COMMON_USAGE}`;

const COMPARE_COMMAND = {
  name: 'compare',
  usage: COMPARE_USAGE,
  options: ['teacher', 'student', 'json', 'matching'],
  required: { teacher: '<bundle>', student: '<bundle>' },
} as const;

/** Run the compare command; resolves to the process exit code. */
export async function compareCommand(
  argv: readonly string[],
  io: { log: (m: string) => void; warn: (m: string) => void },
): Promise<number> {
  const cmd = parseCommand(argv, COMPARE_COMMAND, io);
  if (!cmd) return 0;
  const matching = (cmd.values.matching ?? 'index') as SlotMatching;
  if (matching !== 'index' && matching !== 'hungarian') {
    throw new InputError('--matching', `must be "index" or "hungarian", got ${JSON.stringify(matching)}`);
  }
  const input = await openInput(cmd.input, cmd.maxFrames);
  const backend = createNodeBackend(cmd.backend);
  const teacher = await loadSegmenter(cmd.values.teacher!, { backend });
  let json: AtomicPath | undefined;
  let writer: FramesJsonWriter | undefined;
  try {
    const student = await loadSegmenter(cmd.values.student!, { backend });
    try {
      if (cmd.values.json) {
        json = await atomicPath(cmd.values.json, false);
        writer = new FramesJsonWriter(json.temporary, {
          teacher: { name: teacher.manifest.name, bundle: cmd.values.teacher },
          student: { name: student.manifest.name, bundle: cmd.values.student },
          backend: backend.name,
          matching,
        });
      }
      const acc = new ComparisonAccumulator();
      const progress = createProgress('compare', input.total);
      let frames = 0;
      for await (const c of compare(teacher, student, input.frames, {
        matching,
        ...(cmd.batchSize ? { batchSize: cmd.batchSize } : {}),
      })) {
        acc.add(c);
        await writer?.add({
          index: c.index,
          slotCosine: c.agreement.slotCosine,
          j: c.agreement.j,
          f: c.agreement.f,
          jf: c.agreement.jf,
          teacherMs: c.teacher.timings.totalMs,
          studentMs: c.student.timings.totalMs,
          speedRatio: c.speedRatio,
        });
        progress.tick(++frames);
      }
      progress.done();
      const s = acc.summary();
      await writer?.close(s);
      writer = undefined;
      await json?.commit();
      const fmt = (v: number | null, digits = 4) => (v === null ? 'n/a' : v.toFixed(digits));
      io.log(
        [
          `teacher ${teacher.manifest.name} vs student ${student.manifest.name} on ${s.frames} frames (${backend.name}, ${matching} matching)`,
          `  slot cosine  ${fmt(s.slotCosine)}`,
          `  J            ${fmt(s.j)}`,
          `  F            ${fmt(s.f)}`,
          `  J&F          ${fmt(s.jf)}`,
          `  teacher      ${s.teacher.framesPerSecond.toFixed(1)} fps (${s.teacher.meanMs.totalMs.toFixed(2)} ms/frame)`,
          `  student      ${s.student.framesPerSecond.toFixed(1)} fps (${s.student.meanMs.totalMs.toFixed(2)} ms/frame)`,
          `  speed ratio  ${s.speedRatio.toFixed(2)}× (teacher time / student time)`,
        ].join('\n'),
      );
      return 0;
    } finally {
      await student.dispose();
    }
  } catch (e) {
    writer?.destroy();
    await json?.discard();
    throw e;
  } finally {
    await teacher.dispose();
  }
}
