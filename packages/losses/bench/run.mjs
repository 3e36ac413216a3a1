#!/usr/bin/env node
// Benchmark of @slotmatch/losses (npm run bench; needs `npm run build` first, which turbo does).
//
// For each loss: forward + backward time (median) of the TypeScript implementation at the official
// shapes (METHODS.md; where a paper gives none, the shapes noted below), and in the same run the
// time of the torch reference (python/slotmatch_torch/losses) doing forward + autograd backward on
// the same shapes, in a /usr/bin/python3 child with torch.set_num_threads(1) (and OMP/MKL/OpenBLAS
// limited to 1 thread), alternating TS and torch measurements so that load from other processes
// affects both. Torch runs in two children, one per dtype: float32 (torch's training dtype) and
// float64 (the precision TS computes in, which the 1e-5 golden tolerance needs — the
// precision-matched baseline); each round measures TS, torch float32, torch float64 in turn. Each
// measurement drops its first (warm-up) call; each side's time is the median of all its calls over
// the rounds (the minimum is printed too). Prints the ratio of medians TS/torch against each dtype
// (≤ 1 meets the goal "no slower than PyTorch CPU single-threaded").
//
//   --only NAME[,NAME]   run a subset     --seconds S   minimum seconds per measurement (default 1)
//   --torch-dtype float32,float64 (default both; one of them for a single baseline)
//   --no-torch           TypeScript only      --rounds R   interleaved TS/torch rounds per loss (default 2)
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { expBackend, gemmBackend } from '@slotmatch/core';
import * as L from '@slotmatch/losses';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    seconds: { type: 'string' },
    'torch-dtype': { type: 'string' },
    'no-torch': { type: 'boolean' },
    rounds: { type: 'string' },
  },
});
const minSeconds = Number(values.seconds ?? 1);
const torchDtypes = (values['torch-dtype'] ?? 'float32,float64').split(',');
for (const d of torchDtypes) {
  if (d !== 'float32' && d !== 'float64') throw new Error(`--torch-dtype: ${d} is not float32 or float64`);
}
const rounds = Number(values.rounds ?? 2);

// Shapes. SlotContrast MOVi-C: B = 64 clips, T = 4 frames, K = 11 slots, S = 64, P = 576 patches,
// D = 384 (ViT-S/14). The reconstruction cases use B = 8 (at B = 64 recon + target alone are 450 MB
// in float32). SMTC: batch 2, T = 4, 16 centres, N = 256 tokens, D = 384, P = 4 instances.
// Deformable distillation (shapes are this project's choice, METHODS.md §4): attention maps of
// 2 clips × 8 heads × 900 queries (30×30 at stride 16) × 64 sampled keys; object logits of
// 2 clips × 11 objects × 117² pixels (stride 4 of 465²).
const cases = [
  {
    name: 'reconstructionLoss',
    shapes: { recon: [8, 4, 576, 384], target: [8, 4, 576, 384] },
    grads: ['recon', 'target'],
  },
  {
    name: 'slotContrastLoss',
    shapes: { slots: [64, 4, 11, 64] },
    grads: ['slots'],
    options: { temperature: 0.1 },
  },
  {
    name: 'slotKdLoss.index',
    shapes: { teacher: [64, 4, 11, 64], student: [64, 4, 11, 64] },
    grads: ['teacher', 'student'],
    options: { correspondence: 'index' },
  },
  {
    name: 'slotKdLoss.hungarian',
    shapes: { teacher: [64, 4, 11, 64], student: [64, 4, 11, 64] },
    grads: ['teacher', 'student'],
    options: { correspondence: 'hungarian' },
  },
  {
    name: 'slotKdLoss.projection',
    shapes: {
      teacher: [64, 4, 11, 64],
      student: [64, 4, 11, 32],
      projectionWeight: [64, 32],
      projectionBias: [64],
    },
    grads: ['teacher', 'student', 'projectionWeight', 'projectionBias'],
    options: { correspondence: 'index' },
  },
  {
    name: 'slotMatchLoss',
    shapes: {
      recon: [8, 4, 576, 384],
      target: [8, 4, 576, 384],
      studentSlots: [8, 4, 11, 64],
      teacherSlots: [8, 4, 11, 64],
    },
    grads: ['recon', 'target', 'studentSlots'],
  },
  {
    name: 'semanticConsistencyLoss',
    shapes: {
      studentLogits: [2, 4, 16, 256],
      teacherLogits: [2, 4, 16, 256],
      teacherTokens: [2, 4, 256, 384],
    },
    grads: ['studentLogits'],
  },
  { name: 'slotDiversityLoss', shapes: { logits: [2, 4, 16, 256] }, grads: ['logits'] },
  {
    name: 'instanceConsistencyLoss',
    shapes: {
      objects: [2, 4, 16, 4, 384],
      teacherObjects: [2, 4, 16, 4, 384],
      valid: [2, 4, 16, 4],
      teacherValid: [2, 4, 16, 4],
    },
    grads: ['objects'],
  },
  {
    name: 'ckaAttentionLoss',
    shapes: { teacher: [2, 8, 900, 64], student: [2, 8, 900, 64] },
    grads: ['teacher', 'student'],
  },
  {
    name: 'interObjectRelationLoss',
    shapes: { studentLogits: [2, 11, 13689], teacherLogits: [2, 11, 13689] },
    grads: ['studentLogits', 'teacherLogits'],
    options: { tau: 1 },
  },
  {
    name: 'intraObjectRelationLoss',
    shapes: { studentLogits: [2, 11, 13689], teacherLogits: [2, 11, 13689] },
    grads: ['studentLogits', 'teacherLogits'],
    options: { tau: 1 },
  },
].filter((c) => values.only === undefined || values.only.split(',').includes(c.name));

/** Deterministic standard-normal float32 tensor (Box–Muller over mulberry32). */
function randn(dims, seed) {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = new Float32Array(n);
  let a = seed | 0;
  const u = () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return (((t ^ (t >>> 14)) >>> 0) + 1) / 4294967297;
  };
  for (let i = 0; i < n; i++) data[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return { data, dims };
}

function inputsOf(c) {
  let seed = 1;
  const x = {};
  for (const [k, dims] of Object.entries(c.shapes)) {
    const t = randn(dims, seed++);
    if (k === 'valid' || k === 'teacherValid')
      for (let i = 0; i < t.data.length; i++) t.data[i] = t.data[i] < 0.5 ? 1 : 0;
    x[k] = t;
  }
  return x;
}

const run = {
  reconstructionLoss: (x) => L.reconstructionLoss(x.recon, x.target),
  slotContrastLoss: (x, o) => L.slotContrastLoss(x.slots, o),
  'slotKdLoss.index': (x, o) => L.slotKdLoss(x.teacher, x.student, o),
  'slotKdLoss.hungarian': (x, o) => L.slotKdLoss(x.teacher, x.student, o),
  'slotKdLoss.projection': (x, o) =>
    L.slotKdLoss(x.teacher, x.student, {
      ...o,
      projection: { weight: x.projectionWeight, bias: x.projectionBias },
    }),
  slotMatchLoss: (x) => L.slotMatchLoss(x),
  semanticConsistencyLoss: (x) =>
    L.semanticConsistencyLoss(x.studentLogits, x.teacherLogits, x.teacherTokens),
  slotDiversityLoss: (x) => L.slotDiversityLoss(x.logits),
  instanceConsistencyLoss: (x) =>
    L.instanceConsistencyLoss(x.objects, x.teacherObjects, x.valid, x.teacherValid),
  ckaAttentionLoss: (x) => L.ckaAttentionLoss(x.teacher, x.student),
  interObjectRelationLoss: (x, o) => L.interObjectRelationLoss(x.studentLogits, x.teacherLogits, o),
  intraObjectRelationLoss: (x, o) => L.intraObjectRelationLoss(x.studentLogits, x.teacherLogits, o),
};

function timeTs(c, x) {
  const f = run[c.name];
  const times = [];
  const start = performance.now();
  for (;;) {
    const t0 = performance.now();
    f(x, c.options ?? {});
    times.push(performance.now() - t0);
    if (times.length >= 3 && performance.now() - start >= minSeconds * 1000) break;
  }
  return times.slice(1); // the first run includes JIT warm-up
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** The torch child: one JSON case per line in, one JSON result per line out; undefined when unavailable. */
async function startTorch(torchDtype) {
  const child = spawn('/usr/bin/python3', [join(import.meta.dirname, 'torch_losses.py')], {
    env: {
      ...process.env,
      BENCH_TORCH_DTYPE: torchDtype,
      BENCH_MIN_SECONDS: String(minSeconds),
      OMP_NUM_THREADS: '1',
      MKL_NUM_THREADS: '1',
      OPENBLAS_NUM_THREADS: '1',
    },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  child.on('error', () => {});
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const first = await lines.next();
  if (first.done) {
    console.error(
      `torch ${torchDtype} reference unavailable (${stderr.trim().split('\n').at(-1) ?? 'no output'}); TypeScript times only`,
    );
    return undefined;
  }
  return {
    version: JSON.parse(first.value).torch,
    async measure(c) {
      child.stdin.write(`${JSON.stringify(c)}\n`);
      const r = await lines.next();
      if (r.done) throw new Error(`torch child exited: ${stderr.trim()}`);
      return JSON.parse(r.value);
    },
    close: () => child.stdin.end(),
  };
}

// One torch child per dtype (float32 first), started one after the other; failures leave a dtype out.
const torches = [];
if (!values['no-torch']) {
  for (const dtype of torchDtypes) {
    const t = await startTorch(dtype);
    if (t !== undefined) torches.push({ dtype, ...t });
  }
}
const tag = (dtype) => (dtype === 'float32' ? 'f32' : 'f64');
console.log(
  `@slotmatch/losses bench — forward+backward, median of ≥ ${minSeconds} s per side × ${rounds} interleaved rounds; ` +
    `node ${process.version} (gemm: ${gemmBackend()}, exp: ${expBackend()}; TS computes in float64); ` +
    `${torches.length > 0 ? `torch ${torches[0].version} ${torches.map((t) => t.dtype).join(' + ')}, 1 thread` : 'no torch'}; ` +
    `load average ${loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')}\n`,
);
const rows = [];
for (const c of cases) {
  const x = inputsOf(c);
  const tsTimes = [];
  const pyTimes = torches.map(() => []);
  // Alternate TS and each torch so that load from other processes hits all alike.
  for (let r = 0; r < rounds; r++) {
    tsTimes.push(...timeTs(c, x));
    for (let d = 0; d < torches.length; d++) pyTimes[d].push(...(await torches[d].measure(c)).times);
  }
  const ts = median(tsTimes);
  const row = { loss: c.name, shape: Object.values(c.shapes)[0].join('×'), 'TS ms': ts.toFixed(2) };
  for (let d = 0; d < torches.length; d++) {
    const py = median(pyTimes[d]);
    row[`torch ${tag(torches[d].dtype)} ms`] = py.toFixed(2);
    row[`TS/${tag(torches[d].dtype)}`] = (ts / py).toFixed(2);
  }
  row['TS min'] = Math.min(...tsTimes).toFixed(2);
  for (let d = 0; d < torches.length; d++) {
    row[`${tag(torches[d].dtype)} min`] = Math.min(...pyTimes[d]).toFixed(2);
  }
  row.reps = [tsTimes.length, ...pyTimes.map((p) => p.length)].join('/');
  rows.push(row);
}
for (const t of torches) t.close();
console.table(rows);
for (const t of torches) {
  const key = `TS/${tag(t.dtype)}`;
  const met = rows.filter((r) => Number(r[key]) <= 1).length;
  console.log(`no slower than torch ${t.dtype} (${key} ≤ 1): ${met} of ${rows.length}`);
}
