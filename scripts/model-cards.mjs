#!/usr/bin/env node
// Model cards of the shipped bundles, measured — never typed (issue #6). For every models/<name>/model.json:
//   1. the synthetic test split is regenerated from its seed (slotmatch-synth; the test split is never trained on);
//   2. @slotmatch/runtime-node segments it with each bundle, one after the other in this process, on the CPU with
//      the same thread count (segmentSplit of examples/distill-end-to-end), for the label maps;
//   3. speed: the split's frames are decoded once and every bundle runs over all of them in --rounds interleaved
//      rounds (core measureSpeedRounds: untimed warm-up, the first model rotated each round); frames/s is each
//      bundle's median over the rounds, and the student/teacher ratio the median of the per-round ratios, so a
//      load that drifts during the run does not decide the "≥ 2×" check;
//   4. @slotmatch/example-evaluate-masks scores the label maps: video FG-ARI, video mBO (METRICS.md) and the
//      DAVIS-2017 unsupervised J&F;
//   5. models/<name>/MODEL_CARD.md, the `card` of models/<name>/model.json and the table between the markers of
//      models/README.md are rewritten from these numbers, the parameter counts of the manifests and the
//      training record models/<name>/training.json (commands, seeds, steps, wall time), with the issue's targets
//      checked.
//   node scripts/model-cards.mjs [--models DIR] [--data DIR] [--threads N] [--rounds N] [--work DIR]
// Needs the workspaces built (npm run models:card builds them first).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { measureSpeedRounds, speedRatio } from '@slotmatch/core';
import { segmentSplit } from '@slotmatch/example-distill-end-to-end/dist/index.js';
import { evaluateFolders } from '@slotmatch/example-evaluate-masks';
import { createNodeBackend, loadSegmenter, readImageFolder } from '@slotmatch/runtime-node';
import { subfolders } from './subfolders.mjs';
import { WORLD } from './world.mjs';

const root = resolve(import.meta.dirname, '..');
/** The test split every card is measured on: what slotmatch-synth wrote next to the training split. */
export const TEST_SPLIT = {
  seed: WORLD.seed,
  videos: WORLD.videos.test,
  frames: WORLD.frames,
  width: WORLD.width,
  height: WORLD.height,
  difficulty: WORLD.difficulty,
};
/** issue #6 "Must show". */
const TARGETS = { teacherFgAri: 0.75, teacherMbo: 0.5, studentVsTeacher: 0.95, paramRatio: 3, fpsRatio: 2 };
const BEGIN = '<!-- model-cards:begin (written by scripts/model-cards.mjs; do not edit) -->';
const END = '<!-- model-cards:end -->';

const { values: opts } = parseArgs({
  options: {
    models: { type: 'string', default: join(root, 'models') },
    data: { type: 'string' },
    threads: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '7' },
    work: { type: 'string' },
  },
});

async function writeAtomic(path, text) {
  const tmp = `${path}.partial-${process.pid}`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, path);
  } finally {
    await rm(tmp, { force: true });
  }
}

function fixed(x, digits = 3) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(digits) : 'n/a';
}

async function bundles(dir) {
  const out = [];
  for (const name of await subfolders(dir)) {
    const path = join(dir, name);
    if (!existsSync(join(path, 'model.json'))) continue;
    const manifest = JSON.parse(await readFile(join(path, 'model.json'), 'utf8'));
    const trainingPath = join(path, 'training.json');
    const training = existsSync(trainingPath) ? JSON.parse(await readFile(trainingPath, 'utf8')) : null;
    out.push({ name, path, manifest, training });
  }
  return out;
}

function testSplit(work) {
  const s = TEST_SPLIT;
  const cli = join(root, 'packages', 'synth', 'dist', 'cli.js');
  const args = [cli, '--out', work, '--split', 'test', '--seed', `${s.seed}`, '--videos', `${s.videos}`];
  args.push('--frames', `${s.frames}`, '--width', `${s.width}`, '--height', `${s.height}`);
  args.push('--difficulty', `${s.difficulty}`, '--overwrite');
  const run = spawnSync(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'] });
  if (run.status !== 0) throw new Error(`slotmatch-synth failed (exit ${run.status})`);
  return join(work, 'test');
}

/** The checks of issue #6 on the measured rows (null when a role is missing). */
function checks(rows) {
  const teacher = rows.find((r) => r.role === 'teacher');
  const baseline = rows.find((r) => r.role === 'student' && r.name.includes('baseline'));
  const student = rows.find((r) => r.role === 'student' && !r.name.includes('baseline'));
  if (!teacher || !student) return null;
  const t = teacher.scores;
  const s = student.scores;
  const list = [
    [`teacher video FG-ARI ≥ ${TARGETS.teacherFgAri}`, t.fgAri >= TARGETS.teacherFgAri, fixed(t.fgAri)],
    [`teacher video mBO ≥ ${TARGETS.teacherMbo}`, t.mbo >= TARGETS.teacherMbo, fixed(t.mbo)],
    [
      `student FG-ARI ≥ ${TARGETS.studentVsTeacher} × teacher`,
      s.fgAri >= TARGETS.studentVsTeacher * t.fgAri,
      `${fixed(s.fgAri / t.fgAri, 2)}×`,
    ],
    [
      `student mBO ≥ ${TARGETS.studentVsTeacher} × teacher`,
      s.mbo >= TARGETS.studentVsTeacher * t.mbo,
      `${fixed(s.mbo / t.mbo, 2)}×`,
    ],
    [
      `parameters ≥ ${TARGETS.paramRatio}× fewer`,
      teacher.parameters >= TARGETS.paramRatio * student.parameters,
      `${fixed(teacher.parameters / student.parameters, 2)}×`,
    ],
    [
      `frames/s ≥ ${TARGETS.fpsRatio}× the teacher's (median of per-round ratios)`,
      student.speedRatio.median >= TARGETS.fpsRatio,
      `${fixed(student.speedRatio.median, 2)}× (rounds: ${fixed(student.speedRatio.min, 2)}–${fixed(student.speedRatio.max, 2)}×)`,
    ],
  ];
  if (baseline) {
    const b = baseline.scores;
    list.push([
      `student FG-ARI ≥ baseline (${baseline.name})`,
      s.fgAri >= b.fgAri,
      `${fixed(s.fgAri)} vs ${fixed(b.fgAri)}`,
    ]);
    list.push([`student mBO ≥ baseline`, s.mbo >= b.mbo, `${fixed(s.mbo)} vs ${fixed(b.mbo)}`]);
  }
  return list.map(([rule, ok, value]) => ({ rule, ok, value }));
}

function table(rows) {
  return [
    '| model | role | parameters | video FG-ARI | video mBO | J&F (unsup.) | frames/s (runtime-node, CPU) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| [${r.name}](${r.name}/MODEL_CARD.md) | ${r.role} | ${r.parameters.toLocaleString('en-US')} | ${fixed(r.scores.fgAri)} | ` +
        `${fixed(r.scores.mbo)} | ${fixed(r.scores.jf)} | ${fixed(r.fps, 1)} |`,
    ),
  ].join('\n');
}

function checksText(list) {
  if (!list) return '';
  return [
    '| target (issue #6) | met | measured |',
    '| --- | :---: | ---: |',
    ...list.map((c) => `| ${c.rule} | ${c.ok ? 'yes' : '**no**'} | ${c.value} |`),
  ].join('\n');
}

function measuredOn(meta) {
  const s = TEST_SPLIT;
  return (
    `the synthetic test split (\`slotmatch-synth --split test --seed ${s.seed} --videos ${s.videos} --frames ${s.frames} ` +
    `--width ${s.width} --height ${s.height} --difficulty ${s.difficulty}\`, never trained on), runtime-node ${meta.provider} with ${meta.threads} ` +
    `thread(s), all bundles in one run on ${meta.date}; frames/s: median of ${meta.rounds} interleaved rounds over ` +
    'the whole split'
  );
}

function cardMarkdown(row, rows, list, meta) {
  const m = row.manifest;
  const tr = row.training;
  const lines = [
    `# ${row.name}`,
    '',
    `Role: **${m.role}** (architecture \`${m.architecture}\`). Input ${m.input.width}×${m.input.height} RGB in [0, 1], ` +
      `${m.tokens.gridHeight}×${m.tokens.gridWidth} tokens of width ${m.tokens.dim}, K = ${m.slots.count} slots of ` +
      `S = ${m.slots.dim}. Parameters: ${row.parameters.toLocaleString('en-US')} ` +
      `(${(m.parameters?.trainable ?? 0).toLocaleString('en-US')} trainable with the backbone frozen).`,
    '',
    `## Measured (${measuredOn(meta)})`,
    '',
    '| video FG-ARI | video mBO | J&F | J | F | frames/s |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    `| ${fixed(row.scores.fgAri)} | ${fixed(row.scores.mbo)} | ${fixed(row.scores.jf)} | ${fixed(row.scores.j)} | ` +
      `${fixed(row.scores.f)} | ${fixed(row.fps, 1)} |`,
    '',
    'All shipped models, same run:',
    '',
    table(rows).replaceAll('](', '](../'),
    '',
  ];
  if (list) lines.push(checksText(list), '');
  lines.push('## Training', '');
  if (tr) {
    if (tr.summary) lines.push(tr.summary, '');
    for (const stage of tr.stages ?? []) {
      lines.push(
        `- **${stage.stage}** (seed ${stage.seed}; ${stage.steps} steps; ${fixed(stage.trainingMinutes, 1)} min of ` +
          `training, ${fixed(stage.wallMinutes, 1)} min wall with evaluations, ${stage.threads} CPU thread on a ` +
          `shared 2-core machine${stage.resumedTimes ? `; resumed ${stage.resumedTimes}×` : ''}):`,
      );
      lines.push('', `  \`\`\`sh\n  ${stage.command}\n  \`\`\``, '');
      if (stage.curve?.length) {
        const points = stage.curve.map(
          ([step, fgAri, mbo]) => `${step}: ${fixed(fgAri, 2)} / ${fixed(mbo, 2)}`,
        );
        lines.push(`  Validation curve (step: video FG-ARI / mBO): ${points.join(', ')}`, '');
      }
      if (stage.best) {
        lines.push(
          `  Best validation state (best.pt, the one carried forward): step ${stage.best.step}, video FG-ARI ` +
            `${fixed(stage.best.videoFgAri, 3)} / mBO ${fixed(stage.best.videoMbo, 3)}`,
          '',
        );
      }
    }
    if (tr.data) lines.push(`Data: \`${tr.data}\` (masks never read by a training loss).`, '');
    if (tr.status) lines.push(`Status: ${tr.status}`, '');
  } else {
    lines.push('No training record (training.json) in this bundle.', '');
  }
  lines.push(
    '## Reproduce the numbers',
    '',
    '```sh',
    'npm run models:card   # regenerates the test split, segments it with every bundle, rewrites the cards',
    '```',
    '',
  );
  return lines.join('\n');
}

/**
 * Frames per second of every row's bundle on the split's frames (step 3 of the header): row.fps = median over
 * `rounds`, row.fpsSpread = its spread, row.speedRatio = its per-round ratio to the teacher's (when one is
 * shipped).
 */
async function measureSpeed(split, rows, threads, rounds) {
  const framesRoot = join(split, 'JPEGImages');
  const videos = [];
  for (const name of await subfolders(framesRoot)) {
    const frames = [];
    for await (const f of readImageFolder(join(framesRoot, name))) frames.push(f);
    videos.push(frames);
  }
  const backend = createNodeBackend({ device: 'cpu', intraOpNumThreads: threads });
  const segmenters = [];
  try {
    for (const row of rows) segmenters.push(await loadSegmenter(row.path, { backend }));
    process.stderr.write(`timing ${rows.map((r) => r.name).join(', ')} in ${rounds} interleaved rounds…\n`);
    const measured = await measureSpeedRounds(segmenters, videos, { rounds });
    const teacher = rows.findIndex((r) => r.role === 'teacher');
    rows.forEach((row, i) => {
      row.fps = measured.framesPerSecond[i].median;
      row.fpsSpread = measured.framesPerSecond[i];
      row.speedRatio = teacher >= 0 ? speedRatio(measured, i, teacher) : null;
    });
  } finally {
    for (const s of segmenters) await s.dispose();
  }
}

async function main() {
  const modelsDir = resolve(opts.models);
  const found = await bundles(modelsDir);
  if (found.length === 0) throw new Error(`${modelsDir}: no model bundle (model.json) found`);
  const work = opts.work ? resolve(opts.work) : await mkdtemp(join(tmpdir(), 'slotmatch-cards-'));
  await mkdir(work, { recursive: true });
  try {
    const split = opts.data ? resolve(opts.data) : testSplit(work);
    const threads = Number.parseInt(opts.threads, 10);
    const rows = [];
    let provider = 'cpu';
    for (const b of found) {
      process.stderr.write(`segmenting ${split} with ${b.name}…\n`);
      const pred = join(work, 'predictions', b.name);
      const run = await segmentSplit(split, b.path, pred, { threads });
      provider = run.provider;
      const report = await evaluateFolders({ gt: join(split, 'Annotations'), pred });
      const g = report.global;
      rows.push({
        name: b.name,
        path: b.path,
        role: b.manifest.role,
        manifest: b.manifest,
        training: b.training,
        parameters: b.manifest.parameters?.total ?? 0,
        scores: {
          fgAri: g['FG-ARI'],
          mbo: g.mBO,
          jf: g['J&F-Mean'],
          j: g['J-Mean'],
          f: g['F-Mean'],
          miou: g.mIoU,
        },
      });
    }
    const order = (r) => (r.role === 'teacher' ? 0 : r.name.includes('baseline') ? 2 : 1);
    rows.sort((a, b) => order(a) - order(b));
    const rounds = Number.parseInt(opts.rounds, 10);
    await measureSpeed(split, rows, threads, rounds);
    const meta = { provider, threads, rounds, date: new Date().toISOString().slice(0, 10) };
    const list = checks(rows);
    for (const row of rows) {
      await writeAtomic(join(row.path, 'MODEL_CARD.md'), cardMarkdown(row, rows, list, meta));
      const card = {
        measuredOn: {
          split: 'test',
          ...TEST_SPLIT,
          runtime: '@slotmatch/runtime-node',
          provider,
          threads,
          date: meta.date,
        },
        parameters: row.parameters,
        videoFgAri: row.scores.fgAri,
        videoMbo: row.scores.mbo,
        jfMean: row.scores.jf,
        jMean: row.scores.j,
        fMean: row.scores.f,
        framesPerSecond: row.fps,
        framesPerSecondRounds: { rounds, min: row.fpsSpread.min, max: row.fpsSpread.max },
        training: row.training,
      };
      const manifest = { ...row.manifest, card };
      await writeAtomic(join(row.path, 'model.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    }
    const readmePath = join(modelsDir, 'README.md');
    const generated = [
      BEGIN,
      '',
      `Measured on ${measuredOn(meta)}.`,
      '',
      table(rows),
      '',
      checksText(list),
      '',
      END,
    ].join('\n');
    let readme = existsSync(readmePath)
      ? await readFile(readmePath, 'utf8')
      : `# Shipped models\n\n${BEGIN}\n${END}\n`;
    const a = readme.indexOf(BEGIN);
    const z = readme.indexOf(END);
    readme =
      a >= 0 && z > a
        ? `${readme.slice(0, a)}${generated}${readme.slice(z + END.length)}`
        : `${readme.trimEnd()}\n\n${generated}\n`;
    await writeAtomic(readmePath, readme);
    process.stdout.write(`${table(rows)}\n\n${checksText(list)}\n`);
  } finally {
    if (!opts.work) await rm(work, { recursive: true, force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`model-cards: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
