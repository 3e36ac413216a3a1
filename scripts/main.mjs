#!/usr/bin/env node
// Main job of this stage of the project: evaluate object-centric metrics (FG-ARI, mBO, mIoU) of
// predicted masks against ground truth, both in DAVIS layout (<root>/<sequence>/<frame>.png).
//   node scripts/main.mjs [--gt DIR --pred DIR]
// Without arguments it evaluates the reference fixtures in ../shared/fixtures/metrics/davis-unsup
// when they are present. Segmenting a sample video with the shipped teacher and student replaces
// this once trained models exist (issue #6).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createObjectMetricsAccumulator, decodePng } from '@slotmatch/metrics';

function main() {
  const { values } = parseArgs({ options: { gt: { type: 'string' }, pred: { type: 'string' } } });
  const fixture = resolve(import.meta.dirname, '..', '..', 'shared', 'fixtures', 'metrics', 'davis-unsup');
  const gtRoot = values.gt ?? join(fixture, 'gt');
  const predRoot = values.pred ?? join(fixture, 'pred');
  if (!existsSync(gtRoot))
    throw new Error(`${gtRoot}: ground-truth folder not found (pass --gt DIR --pred DIR)`);
  if (!existsSync(predRoot)) throw new Error(`${predRoot}: prediction folder not found`);
  const rows = [];
  for (const seq of readdirSync(gtRoot).sort()) {
    const acc = createObjectMetricsAccumulator();
    for (const frame of readdirSync(join(gtRoot, seq))
      .filter((f) => f.endsWith('.png'))
      .sort()) {
      const predPath = join(predRoot, seq, frame);
      if (!existsSync(predPath)) throw new Error(`${predPath}: missing prediction frame`);
      const gt = decodePng(readFileSync(join(gtRoot, seq, frame)), join(gtRoot, seq, frame));
      const pred = decodePng(readFileSync(predPath), predPath);
      if (gt.width !== pred.width || gt.height !== pred.height) {
        throw new Error(
          `${predPath}: size ${pred.width}×${pred.height} differs from the ground truth ${gt.width}×${gt.height}`,
        );
      }
      acc.addFrame(gt.data, pred.data, gt.width, gt.height);
    }
    rows.push({ sequence: seq, ...acc.result() });
  }
  console.table(rows);
}

try {
  main();
} catch (error) {
  console.error(`slotmatch main: ${error.message}`);
  process.exit(1);
}
