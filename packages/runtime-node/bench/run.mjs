#!/usr/bin/env node
// Benchmark of @slotmatch/runtime-node (npm run bench; needs `npm run build` first, which turbo does).
//
//  1. Throughput: frames per second of the teacher and the student bundles on every execution
//     provider that loads here, on synthetic DAVIS-size frames (854×480) and on frames already at
//     the encoder's input size, with the share of pipeline time spent inside onnxruntime
//     (encoder + slot-step runs / everything from raw frame to label map; goal ≥ 90 %).
//  2. The TypeScript stages alone at the shapes of the official MOVi-C teacher (336² input, 24×24
//     tokens, K = 11) on 854×480 frames: pre-processing, and label maps of sharp (trained-like)
//     and blurry (untrained-like) masks — what the pipeline adds to each onnxruntime run.
//  3. With --official: the same throughput row for untrained bundles of the published sizes — the
//     MOVi-E teacher (ViT-B/14 at 336², K = 15, S = 128) and its SlotMatch student (ViT-S/14) —
//     exported once by the PyTorch package (`python3 -m slotmatch_torch export --random-init`) into
//     node_modules/.cache/slotmatch-bench. Weights do not change the cost, so these rows give the
//     share inside onnxruntime and the student/teacher speed ratio at real sizes.
//  4. Memory: a 2,000-frame run on synthetic frames; resident memory after a 200-frame warm-up and
//     at the end (goal: growth < 50 MB).
//
// Bundles: test/fixtures/tiny-teacher and tiny-student (exported by slotmatch_torch fixtures) when
// present, else the runtime tests' own test/models/mini; pass --teacher DIR --student DIR to bench
// others. --frames N (default 120) sets the throughput run length.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { FramePreprocessor, LabelMapper } from '@slotmatch/core';
import { createNodeBackend, loadSegmenter } from '@slotmatch/runtime-node';

const here = import.meta.dirname;
const { values } = parseArgs({
  options: {
    teacher: { type: 'string' },
    student: { type: 'string' },
    frames: { type: 'string' },
    'memory-frames': { type: 'string' },
    official: { type: 'boolean' },
    'official-frames': { type: 'string' },
  },
});
const pick = (name) => {
  const fixture = resolve(here, '..', 'test', 'fixtures', name);
  return existsSync(join(fixture, 'model.json')) ? fixture : resolve(here, '..', 'test', 'models', 'mini');
};
const bundles = {
  teacher: values.teacher ?? pick('tiny-teacher'),
  student: values.student ?? pick('tiny-student'),
};
const throughputFrames = Number(values.frames ?? 120);
const memoryFrames = Number(values['memory-frames'] ?? 2000);

/** Deterministic synthetic RGB frames (a moving gradient with noise), generated one at a time. */
function* syntheticFrames(count, width, height) {
  let seed = 12345;
  for (let t = 0; t < count; t++) {
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        const p = (y * width + x) * 3;
        data[p] = (x + 3 * t) & 255;
        data[p + 1] = (y + 2 * t) & 255;
        data[p + 2] = ((x ^ y) + (seed >>> 28)) & 255;
      }
    }
    yield { data, width, height, format: 'rgb' };
  }
}

async function throughput(bundle, device, width, height, frameCount = throughputFrames) {
  const backend = createNodeBackend({ device, log: () => {} });
  let segmenter;
  try {
    segmenter = await loadSegmenter(bundle, { backend });
  } catch (e) {
    return { unavailable: e.message.split('\n')[0] };
  }
  try {
    const frames = [...syntheticFrames(Math.min(frameCount, 24), width, height)];
    const video = function* () {
      for (let i = 0; i < frameCount; i++) yield frames[i % frames.length];
    };
    for await (const _ of segmenter.segment(frames.slice(0, Math.min(8, frameCount)))) {
      // warm-up
    }
    let inference = 0;
    let pipeline = 0;
    const stages = { preprocessMs: 0, encoderMs: 0, stepMs: 0, postprocessMs: 0 };
    const start = performance.now();
    let n = 0;
    for await (const r of segmenter.segment(video(), { batchSize: 4 })) {
      inference += r.timings.encoderMs + r.timings.stepMs;
      for (const k of Object.keys(stages)) stages[k] += r.timings[k];
      pipeline += r.timings.totalMs;
      n++;
    }
    const wall = (performance.now() - start) / 1000;
    return {
      provider: backend.provider,
      name: segmenter.manifest.name,
      fps: n / wall,
      inferenceShare: inference / pipeline,
      frames: n,
      ms: Object.values(stages).map((v) => (v / n).toFixed(2)),
    };
  } finally {
    await segmenter.dispose();
  }
}

async function memory(bundle) {
  const segmenter = await loadSegmenter(bundle, { device: 'cpu' });
  const mb = () => process.memoryUsage().rss / 2 ** 20;
  let afterWarmup = 0;
  let peak = 0;
  const start = performance.now();
  try {
    for await (const r of segmenter.segment(syntheticFrames(memoryFrames, 320, 240), { batchSize: 4 })) {
      if (r.index === 199) {
        globalThis.gc?.();
        afterWarmup = mb();
      }
      if (r.index > 199 && r.index % 100 === 0) peak = Math.max(peak, mb());
    }
  } finally {
    await segmenter.dispose();
  }
  globalThis.gc?.();
  const end = mb();
  return {
    frames: memoryFrames,
    afterWarmupMB: afterWarmup,
    peakMB: Math.max(peak, end),
    endMB: end,
    growthMB: end - afterWarmup,
    seconds: (performance.now() - start) / 1000,
  };
}

const devices = ['cpu', 'webgpu', 'cuda'];
console.log(
  `runtime-node bench — teacher ${bundles.teacher}, student ${bundles.student}, ${throughputFrames} frames per run`,
);
console.log(
  'role     device  provider  frames      fps    inside onnxruntime   ms/frame: pre / encoder / step / post',
);
const cpuFps = {};
for (const [role, bundle] of Object.entries(bundles)) {
  for (const device of devices) {
    for (const [label, w, h] of [
      ['854×480', 854, 480],
      ['input', 0, 0],
    ]) {
      let width = w;
      let height = h;
      if (label === 'input') {
        const m = JSON.parse(
          await import('node:fs').then((fs) => fs.readFileSync(join(bundle, 'model.json'), 'utf8')),
        );
        width = m.input.width;
        height = m.input.height;
      }
      const r = await throughput(bundle, device, width, height);
      if (r.unavailable) {
        console.log(`${role.padEnd(8)} ${device.padEnd(7)} unavailable: ${r.unavailable}`);
        break;
      }
      cpuFps[`${role} ${r.provider} ${label}`] = r.fps;
      console.log(
        `${role.padEnd(8)} ${device.padEnd(7)} ${String(r.provider).padEnd(9)} ${`${width}×${height}`.padEnd(10)} ${r.fps.toFixed(1).padStart(8)}    ${(r.inferenceShare * 100).toFixed(1).padStart(5)} %             ${r.ms.join(' / ')}`,
      );
    }
  }
}
for (const label of ['854×480', 'input']) {
  const t = cpuFps[`teacher cpu ${label}`];
  const st = cpuFps[`student cpu ${label}`];
  if (t && st) {
    console.log(
      `teacher vs student (cpu, ${label} frames): ${t.toFixed(1)} vs ${st.toFixed(1)} fps → student ${(st / t).toFixed(2)}× the teacher's rate`,
    );
  }
}
if (values.official) {
  // Untrained bundles of the published sizes, exported once by the PyTorch package and cached.
  const cache = resolve(here, '..', '..', '..', 'node_modules', '.cache', 'slotmatch-bench');
  const python = resolve(here, '..', '..', '..', 'python');
  const officialFrames = Number(values['official-frames'] ?? 16);
  const rows = {};
  for (const [role, preset] of [
    ['teacher', 'movi-e'],
    ['student', 'student'],
  ]) {
    const dir = join(cache, `random-${preset}`);
    if (!existsSync(join(dir, 'model.json'))) {
      console.log(`exporting an untrained ${preset} bundle to ${dir} (once) …`);
      execFileSync(
        '/usr/bin/python3',
        ['-m', 'slotmatch_torch', 'export', '--random-init', preset, '--role', role, '--out', dir, '--force'],
        { cwd: python, stdio: ['ignore', 'ignore', 'inherit'] },
      );
    }
    const r = await throughput(dir, 'cpu', 854, 480, officialFrames);
    if (r.unavailable) throw new Error(`${dir}: ${r.unavailable}`);
    rows[role] = r;
    console.log(
      `${role.padEnd(8)} cpu     ${String(r.provider).padEnd(9)} ${'854×480'.padEnd(10)} ${r.fps.toFixed(2).padStart(8)}    ${(r.inferenceShare * 100).toFixed(1).padStart(5)} %             ${r.ms.join(' / ')}   (${r.name}, published size, untrained)`,
    );
  }
  console.log(
    `published sizes (cpu, 854×480): student ${(rows.student.fps / rows.teacher.fps).toFixed(2)}× the teacher's frame rate`,
  );
}
/** Mean ms of `f` over `n` runs after `n / 4` warm-up runs. */
function time(f, n = 40) {
  for (let i = 0; i < n / 4; i++) f();
  const t = performance.now();
  for (let i = 0; i < n; i++) f();
  return (performance.now() - t) / n;
}
{
  const [k, gh, gw, H, W] = [11, 24, 24, 480, 854];
  const frame = syntheticFrames(1, W, H).next().value;
  const pre = new FramePreprocessor({
    height: 336,
    width: 336,
    mean: [0.485, 0.456, 0.406],
    std: [0.229, 0.224, 0.225],
  });
  const sharp = new Float32Array(k * gh * gw);
  const blurry = new Float32Array(k * gh * gw);
  for (let g = 0; g < gh * gw; g++) {
    const x = g % gw;
    const y = Math.floor(g / gw);
    const object = (Math.floor((x * 4) / gw) + 4 * Math.floor((y * 3) / gh)) % k; // 12 blobs
    let z = 0;
    for (let j = 0; j < k; j++) z += Math.exp(0.3 * Math.sin(x * 0.7 + j) + 0.3 * Math.cos(y * 0.5 * j));
    for (let j = 0; j < k; j++) {
      sharp[j * gh * gw + g] = j === object ? 0.9 : 0.1 / (k - 1);
      blurry[j * gh * gw + g] = Math.exp(0.3 * Math.sin(x * 0.7 + j) + 0.3 * Math.cos(y * 0.5 * j)) / z;
    }
  }
  const mapper = new LabelMapper(k, gh, gw, 1);
  console.log(
    `TypeScript stages at the MOVi-C teacher's shapes (854×480 → 336², 24×24 tokens, K = 11): pre-processing ${time(() => pre.run(frame)).toFixed(2)} ms, ` +
      `label map ${time(() => mapper.run(sharp, H, W)).toFixed(2)} ms (sharp masks) / ${time(() => mapper.run(blurry, H, W)).toFixed(2)} ms (blurry masks) per frame`,
  );
}
const mem = await memory(bundles.student);
console.log(
  `memory: ${mem.frames} frames (320×240, cpu, ${mem.seconds.toFixed(1)} s): RSS ${mem.afterWarmupMB.toFixed(1)} MB after 200-frame warm-up, ` +
    `${mem.endMB.toFixed(1)} MB at the end (peak ${mem.peakMB.toFixed(1)} MB) → growth ${mem.growthMB.toFixed(1)} MB (goal < 50 MB)` +
    (globalThis.gc ? '' : ' [run with --expose-gc for steadier figures]'),
);
