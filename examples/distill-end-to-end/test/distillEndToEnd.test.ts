/**
 * The end-to-end example in its --tiny mode (recipes/tiny.json: tiny presets, 3 optimiser steps,
 * 40×32 clips): data, teacher, student, export, runtime-node segmentation and evaluation all run
 * for real, and the test checks what each stage leaves behind. It needs an interpreter with
 * PyTorch ($SLOTMATCH_PYTHON, else /usr/bin/python3) and the slotmatch_torch train, distill and
 * export commands; without them it is skipped with a message naming what is missing.
 */
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPython, loadRecipe, runEndToEnd, validateRecipe } from '../src/index.js';

const python = process.env.SLOTMATCH_PYTHON ?? '/usr/bin/python3';
let missing: string | undefined;
try {
  checkPython({ python }, ['train', 'distill', 'export']);
} catch (e) {
  missing = (e as Error).message;
}
if (missing) console.warn(`distill-end-to-end test skipped: ${missing}`);

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'example-distill-e2e-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('distill-end-to-end', () => {
  it.skipIf(missing !== undefined)(
    `--tiny: data → teacher → student → bundles → runtime-node → table${missing ? ` (skipped: ${missing})` : ''}`,
    async () => {
      const recipe = await loadRecipe('tiny');
      const messages: string[] = [];
      const result = await runEndToEnd({
        work,
        recipe,
        python,
        threads: 1,
        quiet: true,
        log: (m) => messages.push(m),
      });
      console.log(result.table);
      expect(messages.filter((m) => /^\[\d\/6\]/.test(m))).toHaveLength(6);
      // 1. data: train and test splits, no validation in the tiny recipe
      expect((await readdir(join(work, 'data'))).sort()).toEqual(['test', 'train']);
      const test = join(work, 'data', 'test');
      const videos = (await readdir(join(test, 'Annotations'))).sort();
      expect(videos).toEqual(['test-0000', 'test-0001']);
      // 2–3. training runs with checkpoints
      for (const m of ['teacher', 'student']) {
        expect(existsSync(join(work, 'runs', m, 'checkpoint.pt'))).toBe(true);
        const log = await readFile(join(work, 'runs', m, 'log.jsonl'), 'utf8');
        expect(log).toMatch(/"step": ?3/);
      }
      // 4. bundles with the right roles and names
      for (const m of ['teacher', 'student'] as const) {
        const manifest = JSON.parse(await readFile(join(work, 'bundles', m, 'model.json'), 'utf8'));
        expect(manifest.role).toBe(m);
        expect(manifest.name).toBe(`tiny-${m}`);
        expect(manifest.input).toMatchObject({ width: 40, height: 32 });
      }
      // 5. predictions in the ground truth's layout
      for (const m of ['teacher', 'student']) {
        expect((await readdir(join(work, 'predictions', m))).sort()).toEqual(videos);
        for (const v of videos) {
          expect((await readdir(join(work, 'predictions', m, v))).sort()).toEqual(
            (await readdir(join(test, 'Annotations', v))).sort(),
          );
        }
      }
      // 6. the table: both models, scores in [0, 1], speeds measured, student smaller
      const [teacher, student] = result.models;
      expect(teacher!.role).toBe('teacher');
      expect(student!.role).toBe('student');
      expect(student!.parameters!).toBeLessThan(teacher!.parameters!);
      for (const m of result.models) {
        const g = m.evaluation.global;
        for (const v of [g['J&F-Mean'], g['FG-ARI'], g.mBO, g.mIoU]) {
          expect(v).toBeGreaterThanOrEqual(0);
          expect(v).toBeLessThanOrEqual(1);
        }
        expect(m.evaluation.sequences).toHaveLength(2);
        expect(m.fps).toBeGreaterThan(0);
        expect(m.provider).toBe('cpu');
      }
      expect(result.table).toMatch(/^\| tiny-teacher \| teacher \| \d+ \| [01]\.\d{3} \|/m);
      expect(result.table).toMatch(/^\| tiny-student \| student \| \d+ \| [01]\.\d{3} \|/m);
      expect(result.table).toMatch(/student vs teacher: \d+\.\d\d× fewer parameters/);
      expect(await readFile(join(work, 'report.md'), 'utf8')).toContain(result.table);
      const json = JSON.parse(await readFile(join(work, 'report.json'), 'utf8'));
      expect(json.models).toHaveLength(2);
      expect(Object.keys(json.seconds)).toEqual([
        'data',
        'teacher',
        'student',
        'export',
        'segment',
        'evaluate',
      ]);

      // A second call on the same work folder resumes: the finished runs are kept (the teacher file
      // the student was distilled from is left byte for byte), and the scores are the same.
      const teacherFile = join(work, 'runs', 'teacher', 'checkpoint.pt');
      const before = createHash('sha256')
        .update(await readFile(teacherFile))
        .digest('hex');
      const again = await runEndToEnd({ work, recipe, python, threads: 1, quiet: true, log: () => {} });
      expect(
        createHash('sha256')
          .update(await readFile(teacherFile))
          .digest('hex'),
      ).toBe(before);
      expect(again.models.map((m) => m.evaluation.global)).toEqual(
        result.models.map((m) => m.evaluation.global),
      );
    },
    600_000,
  );

  it('bad input: an interpreter without PyTorch, a malformed recipe', async () => {
    await expect(
      runEndToEnd({
        work: join(work, 'never'),
        recipe: await loadRecipe('tiny'),
        python: '/nonexistent/python3',
      }),
    ).rejects.toThrow(/^\/nonexistent\/python3: cannot import torch and slotmatch_torch .*pass --python/);
    expect(existsSync(join(work, 'never'))).toBe(false);
    const tiny = await loadRecipe('tiny');
    expect(() =>
      validateRecipe(
        { ...tiny, data: { ...tiny.data, videos: { train: 0, validation: 0, test: 1 } } },
        'r.json',
      ),
    ).toThrow(/^r\.json: data\.videos\.train: must be a positive integer$/);
    expect(() => validateRecipe({ ...tiny, teacher: { config: 3 } }, 'r.json')).toThrow(
      /teacher\.config: must be/,
    );
    await expect(loadRecipe('no-such-recipe')).rejects.toThrow(/no-such-recipe\.json: recipe file not found/);
  });
});
