/**
 * A recipe of the end-to-end run: the synthetic data (generator parameters, videos per split, seed)
 * and, for the teacher and the student, a model configuration of slotmatch_torch (a preset name,
 * plus field overrides passed as `--set FIELD=<JSON>`) and extra arguments for its `train` /
 * `distill` command (steps, batch size, schedule). Two ship with the example: `recipes/tiny.json`
 * (the `--tiny` mode of the tests) and `recipes/small-cpu.json` (the default).
 */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '@slotmatch/core';

/** One model's part of a recipe. */
export interface ModelRecipe {
  /** slotmatch_torch `--config`: a preset (tiny-teacher, tiny-student, movi-c, …) or a JSON file. */
  readonly config: string;
  /** ModelConfig fields to override (`--set FIELD=<JSON value>`). */
  readonly set?: Readonly<Record<string, unknown>>;
  /** More arguments for `train` / `distill` (e.g. ["--max-steps", "3"]). */
  readonly args?: readonly string[];
}

/** A whole recipe (rules in the file header). */
export interface Recipe {
  readonly name: string;
  readonly description?: string;
  /** Seed of the synthetic splits and of both trainings. */
  readonly seed: number;
  readonly data: {
    readonly width: number;
    readonly height: number;
    readonly frames: number;
    readonly difficulty?: number;
    readonly minObjects?: number;
    readonly maxObjects?: number;
    /** Videos per split; validation 0 = no evaluation during training. */
    readonly videos: { readonly train: number; readonly validation: number; readonly test: number };
  };
  readonly teacher: ModelRecipe;
  readonly student: ModelRecipe;
}

/** The recipes folder of this example (next to src/ and dist/). */
export const RECIPES_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'recipes');

function check(ok: boolean, subject: string, rule: string): void {
  if (!ok) throw new InputError(subject, rule);
}

function checkModel(m: unknown, subject: string): void {
  const r = m as ModelRecipe;
  check(typeof m === 'object' && m !== null, subject, 'must be an object');
  check(
    typeof r.config === 'string' && r.config !== '',
    `${subject}.config`,
    'must be a preset name or JSON file',
  );
  check(
    r.set === undefined || (typeof r.set === 'object' && r.set !== null && !Array.isArray(r.set)),
    `${subject}.set`,
    'must be an object of ModelConfig fields',
  );
  check(
    r.args === undefined || (Array.isArray(r.args) && r.args.every((a) => typeof a === 'string')),
    `${subject}.args`,
    'must be an array of strings',
  );
}

/** Check the shape of a parsed recipe; `subject` names it in errors. */
export function validateRecipe(value: unknown, subject: string): Recipe {
  const r = value as Recipe;
  check(typeof value === 'object' && value !== null, subject, 'must be a JSON object');
  check(typeof r.name === 'string' && /^[\w.-]+$/.test(r.name), `${subject}: name`, 'must be a word');
  check(Number.isSafeInteger(r.seed) && r.seed >= 0, `${subject}: seed`, 'must be a non-negative integer');
  const d = r.data;
  check(typeof d === 'object' && d !== null, `${subject}: data`, 'must be an object');
  for (const k of ['width', 'height', 'frames'] as const) {
    check(Number.isInteger(d[k]) && d[k] > 0, `${subject}: data.${k}`, 'must be a positive integer');
  }
  const v = d.videos;
  check(
    typeof v === 'object' && v !== null,
    `${subject}: data.videos`,
    'must be { train, validation, test }',
  );
  check(
    Number.isInteger(v.train) && v.train > 0,
    `${subject}: data.videos.train`,
    'must be a positive integer',
  );
  check(Number.isInteger(v.test) && v.test > 0, `${subject}: data.videos.test`, 'must be a positive integer');
  check(
    Number.isInteger(v.validation) && v.validation >= 0,
    `${subject}: data.videos.validation`,
    'must be a non-negative integer',
  );
  checkModel(r.teacher, `${subject}: teacher`);
  checkModel(r.student, `${subject}: student`);
  return r;
}

/** Read a recipe: "tiny", "small-cpu" (the shipped ones) or a path to a JSON file. */
export async function loadRecipe(nameOrPath: string): Promise<Recipe> {
  const path = /^[\w-]+$/.test(nameOrPath) ? join(RECIPES_DIR, `${nameOrPath}.json`) : nameOrPath;
  const text = await readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => {
    throw new InputError(path, e.code === 'ENOENT' ? 'recipe file not found' : `cannot be read (${e.code})`);
  });
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new InputError(path, `is not valid JSON (${(e as Error).message})`);
  }
  return validateRecipe(parsed, path);
}

/** The `--config` / `--set` arguments of one model. */
export function modelArgs(m: ModelRecipe): string[] {
  const args = ['--config', m.config];
  for (const [k, v] of Object.entries(m.set ?? {})) args.push('--set', `${k}=${JSON.stringify(v)}`);
  return args;
}
