import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { describeShared, hasSharedFixtures, readJson, sharedFixture } from '../../../test/fixtures.js';
import {
  decodePng,
  evaluateSemiSupervisedSequence,
  evaluateUnsupervisedSequence,
  globalResults,
  type LabelImage,
  type ObjectScores,
} from '../src/index.js';

interface Stat {
  mean: number | null;
  recall: number | null;
  decay: number | null;
  per_frame: (number | null)[];
}
interface Expected {
  protocol: string;
  error?: unknown;
  sequences?: Record<string, { objects: { J: Stat; F: Stat }[] }>;
  global?: Record<string, number | null>;
}

const allCases = hasSharedFixtures
  ? [
      'davis-semi',
      'davis-unsup',
      ...readdirSync(sharedFixture('metrics', 'synthetic')).map((c) => `synthetic/${c}`),
    ]
  : [];

function readSequence(root: string): LabelImage[] {
  return readdirSync(root)
    .filter((f) => f.endsWith('.png'))
    .sort()
    .map((f) => decodePng(readFileSync(join(root, f)), join(root, f)));
}

function close(got: number, want: number | null, what: string): void {
  if (want === null) expect(got, what).toBeNaN();
  else expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThan(1e-6);
}

describeShared('DAVIS J and F match the reference fixtures (both protocols)', () => {
  for (const c of allCases) {
    const dir = sharedFixture('metrics', c);
    const expected = readJson<Expected>(join(dir, 'expected.json'));
    const semi = expected.protocol === 'semi';
    const pooled: ObjectScores[] = [];
    for (const seq of readdirSync(join(dir, 'gt')).sort()) {
      it(`${c} / ${seq}`, () => {
        const gt = readSequence(join(dir, 'gt', seq));
        const pred = readSequence(join(dir, 'pred', seq));
        const run = () =>
          semi ? evaluateSemiSupervisedSequence(gt, pred) : evaluateUnsupervisedSequence(gt, pred);
        if (expected.error) {
          expect(run).toThrow(
            semi ? /higher than the number of GT objects/ : /above the maximum of 20 proposals/,
          );
          return;
        }
        const objects = run();
        pooled.push(...objects);
        const want = expected.sequences![seq]!.objects;
        expect(objects.length).toBe(want.length);
        objects.forEach((o, i) => {
          for (const m of ['J', 'F'] as const) {
            close(o[m].mean, want[i]![m].mean, `${m} mean of object ${i + 1}`);
            close(o[m].recall, want[i]![m].recall, `${m} recall of object ${i + 1}`);
            close(o[m].decay, want[i]![m].decay, `${m} decay of object ${i + 1}`);
            o[m].per_frame.forEach((v, t) => {
              close(v, want[i]![m].per_frame[t]!, `${m} frame ${t} of object ${i + 1}`);
            });
          }
        });
      });
    }
    if (!expected.error) {
      it(`${c} / global`, () => {
        const got = globalResults(pooled) as unknown as Record<string, number>;
        for (const [k, want] of Object.entries(expected.global!)) close(got[k]!, want, k);
      });
    }
  }
});
