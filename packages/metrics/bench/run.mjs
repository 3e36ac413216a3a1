#!/usr/bin/env node
// Benchmark of @slotmatch/metrics (npm run bench; needs the build, which turbo runs first).
//
// End to end through the `slotmatch-eval davis` binary — process start, listing, PNG decoding,
// J&F, matching, JSON — on all cores (worker threads) and on one, for
//   - the semi-supervised protocol: ms per object-frame (one GT object scored in one evaluated frame),
//   - the unsupervised protocol: ms per proposal–object–frame (one (proposal, GT object) pair in one frame).
// Data: 854×480 DAVIS-layout palette PNGs that the bench writes itself (moving ellipses; predictions are
// perturbed copies, and for the unsupervised task 20 proposals: object parts plus clutter), and the
// reference fixtures in ../shared/fixtures/metrics when present. The reference evaluator
// (davis2017-evaluation) takes about 25 ms per object-frame and 17 ms per proposal–object–frame on this
// machine; the goal is at least 20× less.
//   node bench/run.mjs [--repeat N] [--keep]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { encodePalettePng } from '@slotmatch/metrics';

const here = import.meta.dirname;
const cli = resolve(here, '..', 'dist', 'cli.js');
const fixtures = resolve(here, '..', '..', '..', '..', 'shared', 'fixtures', 'metrics');
const { values } = parseArgs({ options: { repeat: { type: 'string' }, keep: { type: 'boolean' } } });
const repeat = Number(values.repeat ?? 3);
const REFERENCE_MS = { semi: 25, unsupervised: 17 };

if (!existsSync(cli)) {
  console.error(`bench: ${cli} is missing — run \`npm run build\` first`);
  process.exit(1);
}

const W = 854;
const H = 480;

/** Deterministic pseudo-random numbers (LCG). */
function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Paint an ellipse with label `id` (centre cx, cy, radii rx, ry) into `data`. */
function ellipse(data, cx, cy, rx, ry, id) {
  const y0 = Math.max(0, Math.floor(cy - ry));
  const y1 = Math.min(H - 1, Math.ceil(cy + ry));
  for (let y = y0; y <= y1; y++) {
    const d = 1 - ((y - cy) / ry) ** 2;
    if (d < 0) continue;
    const half = rx * Math.sqrt(d);
    const x0 = Math.max(0, Math.ceil(cx - half));
    const x1 = Math.min(W - 1, Math.floor(cx + half));
    if (x1 >= x0) data.fill(id, y * W + x0, y * W + x1 + 1);
  }
}

/** Object k's ellipse at frame t (smooth motion), with an optional jitter for predictions. */
function objectAt(k, t, jitter = 0) {
  return {
    cx: 150 + 180 * k + 60 * Math.sin(0.07 * t + k) + jitter,
    cy: 240 + 120 * Math.cos(0.05 * t + 2 * k) - jitter,
    rx: 70 + 15 * Math.sin(0.11 * t + k),
    ry: 110 + 20 * Math.cos(0.09 * t + k),
  };
}

/** Write one sequence of GT and prediction PNGs. */
function writeSequence(root, seq, frames, objects, task, seed) {
  const random = rng(seed);
  mkdirSync(join(root, 'gt', seq), { recursive: true });
  mkdirSync(join(root, 'pred', seq), { recursive: true });
  for (let t = 0; t < frames; t++) {
    const gt = new Uint8Array(W * H);
    const pred = new Uint8Array(W * H);
    for (let k = 0; k < objects; k++) {
      const o = objectAt(k, t);
      ellipse(gt, o.cx, o.cy, o.rx, o.ry, k + 1);
      const p = objectAt(k, t, 6 * (random() - 0.5));
      if (task === 'semi') {
        ellipse(pred, p.cx, p.cy, p.rx * (0.9 + 0.2 * random()), p.ry, k + 1);
      } else {
        // Each object split into an upper and a lower proposal.
        ellipse(pred, p.cx, p.cy, p.rx, p.ry, 2 * k + 1);
        ellipse(pred, p.cx, p.cy + p.ry / 2, p.rx * 0.8, p.ry / 2, 2 * k + 2);
      }
    }
    if (task === 'unsupervised') {
      // Clutter proposals up to id 20.
      for (let id = 2 * objects + 1; id <= 20; id++) {
        ellipse(pred, 40 + ((id * 97) % (W - 80)), 40 + ((id * 53) % (H - 80)), 15 + 10 * random(), 12, id);
      }
    }
    const name = `${String(t).padStart(5, '0')}.png`;
    writeFileSync(join(root, 'gt', seq, name), encodePalettePng(gt, W, H));
    writeFileSync(join(root, 'pred', seq, name), encodePalettePng(pred, W, H));
  }
}

/** Units of work in a result JSON: object-frames (semi) or proposal–object–frames (unsupervised). */
function workUnits(result, task) {
  let units = 0;
  for (const d of Object.values(result.details)) {
    const frames = d.frames_evaluated.length;
    units +=
      task === 'semi' ? d.n_gt_objects * frames : d.matching_score_matrix.length * d.n_gt_objects * frames;
  }
  return units;
}

/**
 * Loaded into the CLI process with --import: prints the process's CPU time (all threads, workers
 * included — getrusage(RUSAGE_SELF)) on stderr at exit.
 */
const CPU_HOOK =
  "data:text/javascript,process.on('exit',()=>{const u=process.cpuUsage();process.stderr.write('cpu-ms '+(u.user+u.system)/1000+'\\n')})";

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Run the CLI `repeat` times; median wall and CPU time in ms, and the work units. */
function measure(root, task, jobs) {
  const out = mkdtempSync(join(tmpdir(), 'slotmatch-bench-out-'));
  const json = join(out, 'r.json');
  const times = [];
  const cpu = [];
  for (let i = 0; i < repeat; i++) {
    const start = performance.now();
    const run = spawnSync(
      process.execPath,
      [
        '--import',
        CPU_HOOK,

        cli,
        'davis',
        '--gt',
        join(root, 'gt'),
        '--pred',
        join(root, 'pred'),
        '--task',
        task,
        '--json',
        json,
        '--jobs',
        String(jobs),
      ],
      { encoding: 'utf8' },
    );
    times.push(performance.now() - start);
    if (run.status !== 0) throw new Error(`slotmatch-eval failed: ${run.stderr}`);
    cpu.push(Number(/cpu-ms ([\d.]+)/.exec(run.stderr)[1]));
  }
  const units = workUnits(JSON.parse(readFileSync(json, 'utf8')), task);
  rmSync(out, { recursive: true, force: true });
  return { ms: median(times), best: Math.min(...times), cpu: median(cpu), units };
}

const cores = availableParallelism();
const loadAtStart = loadavg();
const rows = [];
function bench(label, root, task) {
  for (const jobs of [...new Set([cores, 1])]) {
    const { ms, best, cpu, units } = measure(root, task, jobs);
    const per = ms / units;
    rows.push({
      data: label,
      task,
      threads: jobs,
      units,
      'wall ms': ms.toFixed(0),
      'best wall ms': best.toFixed(0),
      'CPU ms': cpu.toFixed(0),
      'wall ms/unit': per.toFixed(4),
      'CPU ms/unit': (cpu / units).toFixed(4),
      'speed-up (wall)': `${(REFERENCE_MS[task] / per).toFixed(1)}×`,
    });
  }
}

const generated = mkdtempSync(join(tmpdir(), 'slotmatch-bench-'));
try {
  console.error(`bench: writing synthetic 854×480 sequences to ${generated} …`);
  const semiRoot = join(generated, 'semi');
  const unsupRoot = join(generated, 'unsup');
  for (let s = 0; s < 8; s++) writeSequence(semiRoot, `seq-${s}`, 100, 2, 'semi', 100 + s);
  for (let s = 0; s < 4; s++) writeSequence(unsupRoot, `seq-${s}`, 40, 3, 'unsupervised', 200 + s);
  bench('synthetic 8×100 frames, 2 objects', semiRoot, 'semi');
  bench('synthetic 4×40 frames, 3 objects, 20 proposals', unsupRoot, 'unsupervised');
  if (existsSync(fixtures)) {
    bench('fixtures davis-semi (OSVOS)', join(fixtures, 'davis-semi'), 'semi');
    bench('fixtures davis-unsup (RVOS)', join(fixtures, 'davis-unsup'), 'unsupervised');
  } else {
    console.error(`bench: ${fixtures} is absent; synthetic data only`);
  }
} finally {
  if (values.keep) console.error(`bench: data kept in ${generated}`);
  else rmSync(generated, { recursive: true, force: true });
}

console.log(
  `@slotmatch/metrics — slotmatch-eval davis end to end (process start, PNG decoding, J&F, JSON), ${cores} cores, median of ${repeat}`,
);
console.log(
  `unit = object-frame (semi) or proposal–object–frame (unsupervised); reference: ${REFERENCE_MS.semi} / ${REFERENCE_MS.unsupervised} ms per unit`,
);
console.log(
  `load average at start ${loadAtStart.map((l) => l.toFixed(1)).join(' ')}, at end ${loadavg()
    .map((l) => l.toFixed(1))
    .join(' ')} (wall time counts waiting for a busy CPU; CPU time does not)`,
);
console.table(rows);
