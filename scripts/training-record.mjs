#!/usr/bin/env node
// Training record of a shipped bundle, read from its run folders (never typed): for each stage, the command, the
// seed, the steps, the training time, the threads and the validation curve (video FG-ARI / mBO against step) that
// `python3 -m slotmatch_torch pretrain|train|distill` logged in RUN_DIR/log.jsonl and RUN_DIR/config.json.
//   node scripts/training-record.mjs --out models/<name>/training.json [--summary TEXT] [--status TEXT]
//        [--data TEXT] STAGE=RUN_DIR [STAGE=RUN_DIR ...]
// model-cards.mjs renders it in MODEL_CARD.md and model.json's card.
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    out: { type: 'string' },
    summary: { type: 'string' },
    status: { type: 'string' },
    data: { type: 'string' },
  },
});

async function stageRecord(stage, dir) {
  const config = JSON.parse(await readFile(join(dir, 'config.json'), 'utf8'));
  const records = (await readFile(join(dir, 'log.jsonl'), 'utf8'))
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l));
  const starts = records.filter((r) => r.type === 'start');
  const trains = records.filter((r) => r.type === 'train');
  const evals = records.filter((r) => r.type === 'eval');
  const stops = records.filter((r) => r.type === 'stop');
  const last = trains.at(-1);
  const seed = config.pretrain_config?.seed ?? config.train_config?.seed ?? null;
  const lastEval = evals.at(-1);
  // pretrain keeps the best validation state in RUN_DIR/best.pt and flags its evaluation `best: true`
  const bestEval = evals.filter((e) => e.best === true).at(-1);
  return {
    stage,
    command: starts[0]?.command ?? config.command,
    resumedTimes: Math.max(0, starts.length - 1),
    seed,
    steps: stops.at(-1)?.step ?? last?.step ?? 0,
    trainingMinutes: (stops.at(-1)?.elapsed ?? last?.elapsed ?? 0) / 60,
    wallMinutes: starts.length && records.at(-1)?.time ? (records.at(-1).time - starts[0].time) / 60 : null,
    threads: starts[0]?.threads ?? 1,
    parameters: starts[0]?.parameters ?? config.parameters ?? null,
    recipe: config.pretrain_config ?? config.train_config,
    teacher: config.teacher ? { sha256: config.teacher.sha256 } : undefined,
    eval: lastEval
      ? `step ${lastEval.step}: video FG-ARI ${lastEval.video_fg_ari.toFixed(3)}, mBO ${lastEval.video_mbo.toFixed(3)}`
      : null,
    best: bestEval
      ? { step: bestEval.step, videoFgAri: bestEval.video_fg_ari, videoMbo: bestEval.video_mbo }
      : undefined,
    curve: evals.map((e) => [e.step, Number(e.video_fg_ari.toFixed(4)), Number(e.video_mbo.toFixed(4))]),
  };
}

async function main() {
  if (!opts.out || positionals.length === 0) {
    throw new Error('usage: training-record.mjs --out FILE STAGE=RUN_DIR [...]');
  }
  const stages = [];
  for (const p of positionals) {
    const i = p.indexOf('=');
    if (i < 1) throw new Error(`${p}: expected STAGE=RUN_DIR`);
    stages.push(await stageRecord(p.slice(0, i), p.slice(i + 1)));
  }
  const record = {
    ...(opts.summary ? { summary: opts.summary } : {}),
    ...(opts.data ? { data: opts.data } : {}),
    ...(opts.status ? { status: opts.status } : {}),
    stages,
  };
  const tmp = `${opts.out}.partial-${process.pid}`;
  try {
    await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`);
    await rename(tmp, opts.out);
  } finally {
    await rm(tmp, { force: true });
  }
}

main().catch((error) => {
  process.stderr.write(`training-record: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
