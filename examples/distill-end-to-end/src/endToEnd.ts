/**
 * The whole method in one run, every stage through the project's own tools:
 *
 *   1. data     @slotmatch/synth `writeSplit`: train, validation (optional) and test splits in
 *               DAVIS layout, from the recipe's seed (deterministic; the test split is never trained on)
 *   2. teacher  python3 -m slotmatch_torch train    (SlotContrast: L_rec + α·L_slot-contrast)
 *   3. student  python3 -m slotmatch_torch distill  (SlotMatch: + β·L_slot-KD from the frozen teacher)
 *   4. export   python3 -m slotmatch_torch export   (both checkpoints → model bundles)
 *   5. segment  @slotmatch/runtime-node on the test split, both bundles in the same process (fps)
 *   6. evaluate @slotmatch/example-evaluate-masks: DAVIS unsupervised J&F, FG-ARI, mBO, mIoU
 *
 * Layout of the work folder: data/<split>, runs/{teacher,student} (resumable training runs: a second
 * call continues where the first stopped; the teacher only until its student's run has started), bundles/{teacher,student}, predictions/{teacher,student},
 * report.md and report.json (written under temporary names, renamed when both are complete).
 */
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type EvaluationReport, evaluateFolders, formatScore } from '@slotmatch/example-evaluate-masks';
import { type SplitName, writeSplit } from '@slotmatch/synth';
import { checkPython, type PythonOptions, runPython } from './python.js';
import { modelArgs, type Recipe } from './recipe.js';
import { segmentSplit } from './segmentSplit.js';

/** Options of {@link runEndToEnd}. */
export interface EndToEndOptions extends PythonOptions {
  /** Work folder (created; reused and resumed when it exists). */
  readonly work: string;
  readonly recipe: Recipe;
  /** CPU threads for torch and onnxruntime (default: their defaults). */
  readonly threads?: number;
  /** Stage messages (default: stderr). */
  readonly log?: (message: string) => void;
}

/** One model's line of the result. */
export interface ModelResult {
  readonly model: 'teacher' | 'student';
  readonly name: string;
  readonly role: string;
  readonly parameters: number | null;
  readonly bundle: string;
  readonly provider: string;
  /** Frames per second of the runtime-node pipeline over the test split. */
  readonly fps: number;
  readonly inferenceShare: number;
  readonly evaluation: EvaluationReport;
}

/** What {@link runEndToEnd} resolves to (and report.json holds). */
export interface EndToEndResult {
  readonly recipe: Recipe;
  readonly work: string;
  readonly models: readonly ModelResult[];
  /** Seconds per stage. */
  readonly seconds: Readonly<Record<string, number>>;
  readonly table: string;
}

const SPLITS: readonly SplitName[] = ['train', 'validation', 'test'];

/** The results as a markdown table with the student/teacher ratios under it. */
export function resultTable(models: readonly ModelResult[]): string {
  const lines = [
    '| model | role | parameters | J&F | FG-ARI | mBO | mIoU | fps (runtime-node) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
    ...models.map((m) => {
      const g = m.evaluation.global;
      return (
        `| ${m.name} | ${m.role} | ${m.parameters ?? '?'} | ${formatScore(g['J&F-Mean'])} | ${formatScore(g['FG-ARI'])} | ` +
        `${formatScore(g.mBO)} | ${formatScore(g.mIoU)} | ${m.fps.toFixed(1)} (${m.provider}) |`
      );
    }),
  ];
  const teacher = models.find((m) => m.model === 'teacher');
  const student = models.find((m) => m.model === 'student');
  if (teacher && student) {
    const ratio = (a: number, b: number) => (b > 0 ? (a / b).toFixed(2) : '?');
    const t = teacher.evaluation.global;
    const s = student.evaluation.global;
    lines.push(
      '',
      `student vs teacher: ${ratio(teacher.parameters ?? 0, student.parameters ?? 0)}× fewer parameters, ` +
        `${ratio(student.fps, teacher.fps)}× the frames per second, FG-ARI ${ratio(s['FG-ARI'], t['FG-ARI'])}× and ` +
        `mBO ${ratio(s.mBO, t.mBO)}× the teacher's.`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Run the six stages (file header) and write the report. */
export async function runEndToEnd(options: EndToEndOptions): Promise<EndToEndResult> {
  const { work, recipe } = options;
  const log = options.log ?? ((m: string) => process.stderr.write(`${m}\n`));
  const python: PythonOptions = {
    ...(options.python ? { python: options.python } : {}),
    ...(options.quiet ? { quiet: true } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  };
  checkPython(python, ['train', 'distill', 'export']);
  await mkdir(work, { recursive: true });
  const seconds: Record<string, number> = {};
  const stage = async <T>(name: string, title: string, f: () => Promise<T>): Promise<T> => {
    log(`[${Object.keys(seconds).length + 1}/6] ${title}`);
    const t0 = performance.now();
    const value = await f();
    seconds[name] = (performance.now() - t0) / 1000;
    return value;
  };
  const data = join(work, 'data');
  const runs = join(work, 'runs');
  const bundles = join(work, 'bundles');
  const threads = options.threads !== undefined ? ['--threads', String(options.threads)] : [];
  const quiet = options.quiet ? ['--quiet'] : [];
  const { videos, ...params } = recipe.data;
  const hasValidation = videos.validation > 0;
  const evalArgs = hasValidation ? ['--eval-data', join(data, 'validation')] : [];

  await stage('data', `synthetic splits (seed ${recipe.seed}) → ${data}`, async () => {
    for (const split of SPLITS) {
      if (videos[split] === 0) continue;
      await writeSplit({
        out: data,
        split,
        seed: recipe.seed,
        videos: videos[split],
        params,
        overwrite: true,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    }
  });
  // The student's run is tied to the exact teacher file it was distilled from (distill refuses to
  // resume against another), and resuming even a finished training run rewrites its checkpoint:
  // once distillation has started, the teacher is left as it is.
  const studentStarted = existsSync(join(runs, 'student', 'checkpoint.pt'));
  await stage('teacher', `train the teacher → ${join(runs, 'teacher')}`, async () => {
    if (studentStarted) {
      log('  the student run already started from this teacher: teacher training is not resumed');
      return;
    }
    await runPython(
      [
        'train',
        '--data',
        join(data, 'train'),
        '--out',
        join(runs, 'teacher'),
        ...modelArgs(recipe.teacher),
        '--seed',
        String(recipe.seed),
        ...evalArgs,
        ...threads,
        ...quiet,
        ...(recipe.teacher.args ?? []),
      ],
      python,
    );
  });
  const teacherCheckpoint = join(runs, 'teacher', 'checkpoint.pt');
  await stage('student', `distil the student from the teacher → ${join(runs, 'student')}`, () =>
    runPython(
      [
        'distill',
        '--data',
        join(data, 'train'),
        '--out',
        join(runs, 'student'),
        '--teacher',
        teacherCheckpoint,
        ...modelArgs(recipe.student),
        '--seed',
        String(recipe.seed),
        ...evalArgs,
        ...threads,
        ...quiet,
        ...(recipe.student.args ?? []),
      ],
      python,
    ),
  );
  await stage('export', `export both bundles → ${bundles}`, async () => {
    for (const model of ['teacher', 'student'] as const) {
      await runPython(
        [
          'export',
          join(runs, model, 'checkpoint.pt'),
          '--out',
          join(bundles, model),
          '--name',
          `${recipe.name}-${model}`,
          '--role',
          model,
          '--force',
        ],
        python,
      );
    }
  });
  const runsOnTest = await stage(
    'segment',
    'segment the test split with runtime-node (teacher, then student)',
    async () => {
      const out = [];
      for (const model of ['teacher', 'student'] as const) {
        out.push({
          model,
          run: await segmentSplit(
            join(data, 'test'),
            join(bundles, model),
            join(work, 'predictions', model),
            {
              ...(options.threads !== undefined ? { threads: options.threads } : {}),
              log,
            },
          ),
        });
      }
      return out;
    },
  );
  const models = await stage('evaluate', 'evaluate both against the test split ground truth', async () => {
    const rows: ModelResult[] = [];
    for (const { model, run } of runsOnTest) {
      rows.push({
        model,
        name: run.manifest.name,
        role: run.manifest.role,
        parameters: run.manifest.parameters?.total ?? null,
        bundle: join(bundles, model),
        provider: run.provider,
        fps: run.timings.framesPerSecond,
        inferenceShare: run.timings.inferenceShare,
        evaluation: await evaluateFolders({
          gt: join(data, 'test', 'Annotations'),
          pred: join(work, 'predictions', model),
        }),
      });
    }
    return rows;
  });
  const table = resultTable(models);
  const result: EndToEndResult = { recipe, work, models, seconds, table };
  const files = [
    {
      path: join(work, 'report.md'),
      text: `# ${recipe.name}: teacher and SlotMatch student on the synthetic test split\n\n${table}`,
    },
    {
      path: join(work, 'report.json'),
      text: `${JSON.stringify(result, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), 2)}\n`,
    },
  ];
  try {
    for (const f of files) await writeFile(`${f.path}.partial`, f.text);
    for (const f of files) await rename(`${f.path}.partial`, f.path);
  } finally {
    for (const f of files) await rm(`${f.path}.partial`, { force: true });
  }
  return result;
}
