import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, hasSharedFixtures, readJson, sharedFixture } from '../../../test/fixtures.js';
import { createObjectMetricsAccumulator, decodePng } from '../src/index.js';

interface Expected {
  object_metrics?: Record<string, Record<string, number | null>>;
}

/** Every folder under fixtures/metrics that holds an expected.json. */
function cases(): string[] {
  if (!hasSharedFixtures) return [];
  const root = sharedFixture('metrics');
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir)) {
      const path = join(dir, entry);
      if (entry === 'expected.json') found.push(dir);
      else if (statSync(path).isDirectory() && entry !== 'gt' && entry !== 'pred') walk(path);
    }
  };
  walk(root);
  return found.sort();
}

describeShared('object metrics match the reference fixtures', () => {
  for (const dir of cases()) {
    const expected = readJson<Expected>(join(dir, 'expected.json'));
    for (const [seq, metrics] of Object.entries(expected.object_metrics ?? {})) {
      it(`${dir.split('/metrics/')[1]} / ${seq}`, () => {
        const acc = createObjectMetricsAccumulator();
        const frames = readdirSync(join(dir, 'gt', seq))
          .filter((f) => f.endsWith('.png'))
          .sort();
        for (const f of frames) {
          const gt = decodePng(readFileSync(join(dir, 'gt', seq, f)), f);
          const pred = decodePng(readFileSync(join(dir, 'pred', seq, f)), f);
          acc.addFrame(gt.data, pred.data, gt.width, gt.height);
        }
        const got = acc.result() as unknown as Record<string, number>;
        for (const [name, want] of Object.entries(metrics)) {
          if (want === null) expect(got[name], name).toBeNaN();
          else
            expect(Math.abs(got[name]! - want), `${name}: ${got[name]} vs ${want}`).toBeLessThan(
              name.includes('ari') ? 1e-9 : 1e-6,
            );
        }
      });
    }
  }
});
