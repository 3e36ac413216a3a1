#!/usr/bin/env node
// The main job (issue #6): segment a sample video with the shipped default student and the teacher, and write
//   out/sample/                      the sample video (frames + ground-truth masks, DAVIS layout)
//   out/<model>/masks/<video>/*.png  label maps (palette PNGs, label = slot index + 1)
//   out/overlay.gif                  side by side: frame | teacher | student, labels blended over the frame
//   out/report.md, out/report.json   quality (video FG-ARI, mBO, unsupervised J&F against the sample's ground
//                                    truth) and speed (frames per second of runtime-node on the CPU, same run:
//                                    the median of --rounds interleaved rounds, core measureSpeedRounds)
// The sample is regenerated from its seed by slotmatch-synth: a test-split video no model was trained on.
//   node scripts/main.mjs [--out DIR] [--seed N] [--frames T] [--difficulty D] [--teacher DIR] [--student DIR]
//                         [--threads N] [--rounds N]
//   node scripts/main.mjs --gt DIR --pred DIR [--json FILE]   metrics only (`slotmatch-eval objects`)
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { subfolders } from './subfolders.mjs';
import { WORLD } from './world.mjs';

const root = resolve(import.meta.dirname, '..');
const argv = process.argv.slice(2);

if (argv.includes('--gt') || argv.includes('--pred')) {
  // Metrics-only mode: evaluate given prediction folders against ground truth.
  const cli = join(root, 'packages', 'metrics', 'dist', 'cli.js');
  const run = spawnSync(process.execPath, [cli, 'objects', ...argv], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}

const { values: opts } = parseArgs({
  args: argv,
  options: {
    out: { type: 'string', default: join(root, 'out') },
    seed: { type: 'string', default: '2026' },
    frames: { type: 'string', default: `${WORLD.frames}` },
    // the shipped models' world (models/world.json) unless asked otherwise
    difficulty: { type: 'string', default: `${WORLD.difficulty}` },
    teacher: { type: 'string' },
    student: { type: 'string', default: join(root, 'models', 'slotmatch-student') },
    threads: { type: 'string', default: '1' },
    rounds: { type: 'string', default: '15' },
    scale: { type: 'string', default: '3' },
  },
});

const { measureSpeedRounds, speedRatio } = await import('@slotmatch/core');
const { encodePalettePng } = await import('@slotmatch/metrics');
const { createNodeBackend, createOverlayWriter, listImages, loadSegmenter, readImageFolder } = await import(
  '@slotmatch/runtime-node'
);
const { evaluateFolders } = await import('@slotmatch/example-evaluate-masks');

/** The teacher bundle: --teacher, else the one models/<name>/ whose model.json says role "teacher". */
async function findTeacher() {
  if (opts.teacher) return resolve(opts.teacher);
  const dir = join(root, 'models');
  for (const name of await subfolders(dir)) {
    const path = join(dir, name, 'model.json');
    if (existsSync(path) && JSON.parse(await readFile(path, 'utf8')).role === 'teacher')
      return join(dir, name);
  }
  throw new Error(`${dir}: no bundle with role "teacher"`);
}

function fixed(x, d = 3) {
  return typeof x === 'number' && Number.isFinite(x) ? x.toFixed(d) : 'n/a';
}

/** Nearest-neighbour upscaling of an interleaved buffer with `channels` values per pixel. */
function upscale(data, width, height, channels, s) {
  const out = new Uint8Array(width * s * height * s * channels);
  for (let y = 0; y < height * s; y++) {
    for (let x = 0; x < width * s; x++) {
      const src = (((y / s) | 0) * width + ((x / s) | 0)) * channels;
      const dst = (y * width * s + x) * channels;
      for (let c = 0; c < channels; c++) out[dst + c] = data[src + c];
    }
  }
  return out;
}

async function main() {
  const out = resolve(opts.out);
  const threads = Number.parseInt(opts.threads, 10);
  const scale = Number.parseInt(opts.scale, 10);
  const started = performance.now();
  await mkdir(out, { recursive: true });

  // 1. The sample video, regenerated from its seed (deterministic; never trained on).
  const synth = join(root, 'packages', 'synth', 'dist', 'cli.js');
  const gen = spawnSync(
    process.execPath,
    [
      synth,
      '--out',
      join(out, 'sample'),
      '--split',
      'test',
      '--seed',
      opts.seed,
      '--videos',
      '1',
      '--frames',
      opts.frames,
      '--difficulty',
      opts.difficulty,
      '--overwrite',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  if (gen.status !== 0) throw new Error(`slotmatch-synth failed (exit ${gen.status})`);
  const split = join(out, 'sample', 'test');
  const video = (await subfolders(join(split, 'JPEGImages')))[0];
  const framesDir = join(split, 'JPEGImages', video);
  const names = await listImages(framesDir);

  // 2. Segment it with both bundles, in this process, on the CPU.
  const backend = createNodeBackend({ device: 'cpu', intraOpNumThreads: threads });
  const models = [
    { key: 'teacher', bundle: await findTeacher() },
    { key: 'student', bundle: resolve(opts.student) },
  ];
  const frames = [];
  for await (const f of readImageFolder(framesDir)) frames.push(f);
  for (const m of models) {
    m.segmenter = await loadSegmenter(m.bundle, { backend });
    m.manifest = m.segmenter.manifest;
    m.labels = [];
    for await (const r of m.segmenter.segment(frames)) m.labels.push(r.labels);
  }
  // Speed: both models over the whole video in interleaved rounds (rule in core speedRounds); the label
  // passes above were each model's untimed warm-up.
  let measured;
  try {
    measured = await measureSpeedRounds(
      models.map((m) => m.segmenter),
      [frames],
      { rounds: Number.parseInt(opts.rounds, 10), warmup: false },
    );
  } finally {
    for (const m of models) await m.segmenter.dispose();
  }
  models.forEach((m, i) => {
    m.fps = measured.framesPerSecond[i];
  });
  const ratio = speedRatio(measured, 1, 0);
  for (const m of models) {
    const masks = join(out, m.key, 'masks');
    const tmp = `${masks}.partial-${process.pid}`;
    await rm(tmp, { recursive: true, force: true });
    await mkdir(join(tmp, video), { recursive: true });
    for (let i = 0; i < frames.length; i++) {
      const name = names[i].replace(/\.[^.]+$/, '.png');
      await writeFile(
        join(tmp, video, name),
        encodePalettePng(m.labels[i], frames[i].width, frames[i].height),
      );
    }
    await rm(masks, { recursive: true, force: true });
    await rename(tmp, masks);
    m.eval = (await evaluateFolders({ gt: join(split, 'Annotations'), pred: masks })).global;
  }

  // 3. Side-by-side overlay: frame | teacher | student.
  const { width, height } = frames[0];
  const gifPath = join(out, 'overlay.gif');
  const gifTmp = join(out, `.overlay.partial-${process.pid}.gif`);
  const writer = createOverlayWriter(gifTmp, 3 * width * scale, height * scale, {
    fps: 8,
    alpha: 0.55,
    formatName: 'overlay.gif',
  });
  try {
    for (let i = 0; i < frames.length; i++) {
      const rgb = frames[i].format === 'rgb' ? frames[i].data : rgbaToRgb(frames[i].data);
      const wide = new Uint8Array(3 * width * height * 3);
      const labels = new Uint8Array(3 * width * height);
      for (let y = 0; y < height; y++) {
        for (let p = 0; p < 3; p++) {
          wide.set(rgb.subarray(y * width * 3, (y + 1) * width * 3), (y * 3 * width + p * width) * 3);
          if (p > 0)
            labels.set(
              models[p - 1].labels[i].subarray(y * width, (y + 1) * width),
              y * 3 * width + p * width,
            );
        }
      }
      const frame = {
        data: upscale(wide, 3 * width, height, 3, scale),
        width: 3 * width * scale,
        height: height * scale,
        format: 'rgb',
      };
      await writer.write(frame, upscale(labels, 3 * width, height, 1, scale));
    }
    await writer.close();
    await rename(gifTmp, gifPath);
  } catch (error) {
    writer.abort();
    await rm(gifTmp, { force: true });
    throw error;
  }

  // 4. Quality + speed table for both.
  const rows = models.map((m) => ({
    model: m.key,
    name: m.manifest.name,
    parameters: m.manifest.parameters?.total ?? null,
    videoFgAri: m.eval['FG-ARI'],
    videoMbo: m.eval.mBO,
    jf: m.eval['J&F-Mean'],
    framesPerSecond: m.fps.median,
    framesPerSecondRange: [m.fps.min, m.fps.max],
    msPerFrame: 1000 / m.fps.median,
  }));
  const [t, s] = rows;
  const table = [
    `Sample: ${video} (slotmatch-synth --split test --seed ${opts.seed} --frames ${opts.frames} --difficulty ${opts.difficulty}, ${width}×${height}), runtime-node CPU, ${threads} thread(s).`,
    '',
    '| model | bundle | parameters | video FG-ARI | video mBO | J&F | frames/s | ms/frame |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows.map(
      (r) =>
        `| ${r.model} | ${r.name} | ${r.parameters?.toLocaleString('en-US') ?? '?'} | ${fixed(r.videoFgAri)} | ${fixed(r.videoMbo)} | ` +
        `${fixed(r.jf)} | ${fixed(r.framesPerSecond, 1)} | ${fixed(r.msPerFrame, 2)} |`,
    ),
    '',
    `student vs teacher: ${fixed(t.parameters / s.parameters, 2)}× fewer parameters, ${fixed(ratio.median, 2)}× the frames per second ` +
      `(median of ${measured.passes[0].length} interleaved rounds; ${fixed(ratio.min, 2)}–${fixed(ratio.max, 2)}×).`,
    '',
  ].join('\n');
  await writeFile(join(out, 'report.md'), `# Main job: teacher and student on a sample video\n\n${table}`);
  await writeFile(
    join(out, 'report.json'),
    `${JSON.stringify({ video, seed: Number(opts.seed), rows, speedRatio: ratio }, null, 2)}\n`,
  );
  process.stdout.write(
    `${table}\nwrote ${gifPath}, ${join(out, 'teacher', 'masks')}, ${join(out, 'student', 'masks')}, ` +
      `${join(out, 'report.md')} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
  );
}

function rgbaToRgb(data) {
  const out = new Uint8Array((data.length / 4) * 3);
  for (let i = 0, j = 0; i < data.length; i += 4, j += 3) {
    out[j] = data[i];
    out[j + 1] = data[i + 1];
    out[j + 2] = data[i + 2];
  }
  return out;
}

main().catch((error) => {
  process.stderr.write(`main: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
