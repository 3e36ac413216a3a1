/**
 * `slotmatch compare <video|folder> --teacher <bundle> --student <bundle> [--json FILE]`:
 * runs both models on every frame; prints mean slot cosine, J, F, J&F of the student's label maps
 * against the teacher's, both frame rates and the speed ratio; `--json` writes the per-frame
 * agreement and the summary (written to a temporary name, renamed when complete).
 */
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { ComparisonAccumulator, InputError, type SlotMatching } from '@slotmatch/core';
import { createNodeBackend } from '../backend/nodeBackend.js';
import { compare, loadSegmenter } from '../segmenter.js';
import { atomicPath } from './atomicOutput.js';
import { openInput } from './inputFrames.js';
import { backendOptions, COMMON_OPTIONS, intOption } from './options.js';
import { createProgress } from './progress.js';

export const COMPARE_USAGE =
  'slotmatch compare <video|folder> --teacher <bundle> --student <bundle> [--json FILE] [--matching index|hungarian]\n' +
  '                  [--device auto|cpu|cuda|webgpu] [--threads N] [--inter-threads N] [--batch N] [--max-frames N]';

/** Run the compare command; resolves to the process exit code. */
export async function compareCommand(
  argv: readonly string[],
  io: { log: (m: string) => void; warn: (m: string) => void },
): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      ...COMMON_OPTIONS,
      teacher: { type: 'string' },
      student: { type: 'string' },
      json: { type: 'string' },
      matching: { type: 'string' },
    },
  });
  if (values.help) {
    io.log(COMPARE_USAGE);
    return 0;
  }
  if (positionals.length !== 1)
    throw new InputError('compare', `expects one input video or folder\nusage: ${COMPARE_USAGE}`);
  if (!values.teacher || !values.student) {
    throw new InputError(
      'compare',
      `--teacher <bundle> and --student <bundle> are required\nusage: ${COMPARE_USAGE}`,
    );
  }
  const matching = (values.matching ?? 'index') as SlotMatching;
  if (matching !== 'index' && matching !== 'hungarian') {
    throw new InputError(
      '--matching',
      `must be "index" or "hungarian", got ${JSON.stringify(values.matching)}`,
    );
  }
  const batchSize = intOption(values, 'batch');
  const input = await openInput(positionals[0]!, intOption(values, 'max-frames'));
  const backend = createNodeBackend(backendOptions(values, io.warn));
  const teacher = await loadSegmenter(values.teacher, { backend });
  try {
    const student = await loadSegmenter(values.student, { backend });
    try {
      const acc = new ComparisonAccumulator();
      const rows: Record<string, number | null>[] = [];
      const progress = createProgress('compare', input.total);
      for await (const c of compare(teacher, student, input.frames, {
        matching,
        ...(batchSize ? { batchSize } : {}),
      })) {
        acc.add(c);
        rows.push({
          index: c.index,
          slotCosine: c.agreement.slotCosine,
          j: c.agreement.j,
          f: c.agreement.f,
          jf: c.agreement.jf,
          teacherMs: c.teacher.timings.totalMs,
          studentMs: c.student.timings.totalMs,
          speedRatio: c.speedRatio,
        });
        progress.tick(rows.length);
      }
      progress.done();
      const s = acc.summary();
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
      if (values.json) {
        const out = await atomicPath(values.json, false);
        try {
          const doc = {
            teacher: { name: teacher.manifest.name, bundle: values.teacher },
            student: { name: student.manifest.name, bundle: values.student },
            backend: backend.name,
            matching,
            summary: s,
            frames: rows,
          };
          await writeFile(out.temporary, `${JSON.stringify(doc, null, 1)}\n`);
          await out.commit();
        } catch (e) {
          await out.discard();
          throw e;
        }
      }
      return 0;
    } finally {
      await student.dispose();
    }
  } finally {
    await teacher.dispose();
  }
}
