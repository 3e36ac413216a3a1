#!/usr/bin/env node
// Main job of this stage of the project: FG-ARI, mBO and mIoU of predicted masks against ground truth,
// both in DAVIS layout (<root>/<sequence>/<frame>.png), through the `slotmatch-eval objects` CLI.
//   node scripts/main.mjs [--gt DIR --pred DIR] [--json FILE]
// Without --gt/--pred it evaluates the reference fixtures in ../shared/fixtures/metrics/davis-unsup.
// Segmenting a sample video with the shipped teacher and student replaces this once trained models
// exist (issue #6).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const fixture = resolve(root, '..', 'shared', 'fixtures', 'metrics', 'davis-unsup');
const args = process.argv.slice(2);
const defaults = args.includes('--gt') ? [] : ['--gt', join(fixture, 'gt'), '--pred', join(fixture, 'pred')];
const cli = join(root, 'packages', 'metrics', 'dist', 'cli.js');
const run = spawnSync(process.execPath, [cli, 'objects', ...defaults, ...args], { stdio: 'inherit' });
process.exit(run.status ?? 1);
