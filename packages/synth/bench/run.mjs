#!/usr/bin/env node
// Benchmark of @slotmatch/synth (npm run bench; needs `npm run build` first, which turbo does).
//
// Frames per second, single thread, at 64×64 (the training default) and 854×480 (DAVIS size):
//  - generate: generateVideo(...) iterated (scene drawing + visibility pre-pass + rendering), no I/O;
//  - write:    writeSplit(...) end to end (rendering + RGB and palette PNG encoding + files), into a
//              temporary folder that is removed afterwards.
// Options: --videos N (64×64 videos, default 10), --large-videos N (854×480 videos, default 1).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { generateVideo, writeSplit } from '@slotmatch/synth';

const { values } = parseArgs({ options: { videos: { type: 'string' }, 'large-videos': { type: 'string' } } });
const cases = [
  { name: '64×64', params: { width: 64, height: 64, frames: 24 }, videos: Number(values.videos ?? 10) },
  {
    name: '854×480',
    params: { width: 854, height: 480, frames: 24 },
    videos: Number(values['large-videos'] ?? 1),
  },
];

function generateFps(params, videos) {
  const start = performance.now();
  let frames = 0;
  for (let i = 0; i < videos; i++) {
    for (const _ of generateVideo(params, `bench/${i}`)) frames++;
  }
  return frames / ((performance.now() - start) / 1000);
}

async function writeFps(params, videos) {
  const dir = mkdtempSync(join(tmpdir(), 'slotmatch-synth-bench-'));
  try {
    const start = performance.now();
    const { frames } = await writeSplit({ out: dir, split: 'test', seed: 0, videos, params });
    return frames / ((performance.now() - start) / 1000);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

console.log(`@slotmatch/synth bench — node ${process.version}, one thread`);
console.log('size      supersample  videos×frames  generate fps  write fps');
for (const c of cases) {
  for (const supersample of [1, 2]) {
    const params = { ...c.params, supersample };
    generateFps({ ...params, frames: 2 }, 1); // warm-up
    const gen = generateFps(params, c.videos);
    const write = await writeFps(params, c.videos);
    console.log(
      `${c.name.padEnd(9)} ${String(supersample).padStart(11)}  ${`${c.videos}×${c.params.frames}`.padStart(13)}  ${gen.toFixed(1).padStart(12)}  ${write.toFixed(1).padStart(9)}`,
    );
  }
}
