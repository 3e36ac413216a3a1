import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { describeShared, readJson, sharedFixture } from '../../../test/fixtures.js';
import { main } from '../src/cli/main.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(pkg, 'dist', 'cli.js');

interface Expected {
  global: Record<string, number | null>;
  object_metrics: Record<string, Record<string, number | null>>;
}

function close(got: number | null, want: number | null, what: string): void {
  if (want === null) expect(got, what).toBeNull();
  else expect(Math.abs(got! - want), what).toBeLessThan(1e-6);
}

/** `davis` arguments for a fixture folder, writing the JSON and the CSVs into `out`. */
function davisArgs(dir: string, task: string, out: string): string[] {
  return [
    'davis',
    '--gt',
    join(dir, 'gt'),
    '--pred',
    join(dir, 'pred'),
    '--task',
    task,
    '--json',
    join(out, 'r.json'),
    '--csv-dir',
    out,
  ];
}

describeShared('slotmatch-eval CLI', () => {
  beforeAll(() => {
    if (!existsSync(cli)) execFileSync('npx', ['tsdown'], { cwd: pkg, stdio: 'ignore' });
  });

  for (const [c, task] of [
    ['davis-semi', 'semi'],
    ['davis-unsup', 'unsupervised'],
  ] as const) {
    it(`davis ${c}: JSON and CSV match the reference`, () => {
      const out = mkdtempSync(join(tmpdir(), 'slotmatch-eval-'));
      const dir = sharedFixture('metrics', c);
      const code = main(davisArgs(dir, task, out), () => {});
      expect(code).toBe(0);
      const want = readJson<Expected>(join(dir, 'expected.json'));
      const got = readJson<{ global: Record<string, number | null> }>(join(out, 'r.json'));
      for (const [k, v] of Object.entries(want.global)) close(got.global[k]!, v, k);
      const csv = readFileSync(join(out, 'global_results-val.csv'), 'utf8').trim().split('\n');
      expect(csv[0]).toBe('J&F-Mean,J-Mean,J-Recall,J-Decay,F-Mean,F-Recall,F-Decay');
      expect(Number(csv[1]!.split(',')[0])).toBeCloseTo(want.global['J&F-Mean']!, 12);
    });
  }

  it('objects: JSON matches the reference', () => {
    const out = mkdtempSync(join(tmpdir(), 'slotmatch-eval-'));
    const dir = sharedFixture('metrics', 'davis-unsup');
    expect(
      main(
        ['objects', '--gt', join(dir, 'gt'), '--pred', join(dir, 'pred'), '--json', join(out, 'o.json')],
        () => {},
      ),
    ).toBe(0);
    const want = readJson<Expected>(join(dir, 'expected.json')).object_metrics;
    const got = readJson<Expected>(join(out, 'o.json')).object_metrics;
    for (const [seq, m] of Object.entries(want)) {
      for (const [k, v] of Object.entries(m)) close(got[seq]![k]!, v, `${seq} ${k}`);
    }
  });

  for (const [c, task, message] of [
    [
      'semi-more-pred-objects',
      'semi',
      /00002\.png: prediction id 2 is higher than the number of GT objects \(1\)/,
    ],
    ['unsup-proposal-id-limit', 'unsupervised', /proposal id 21 is above the maximum of 20 proposals/],
  ] as const) {
    it(`exits 1 on ${c}, names the file, writes nothing`, () => {
      const out = mkdtempSync(join(tmpdir(), 'slotmatch-eval-'));
      const dir = sharedFixture('metrics', 'synthetic', c);
      const run = spawnSync(process.execPath, [cli, ...davisArgs(dir, task, out)], { encoding: 'utf8' });
      expect(run.status).toBe(1);
      expect(run.stderr).toMatch(message);
      expect(readdirSync(out)).toEqual([]);
    });
  }

  it('reports a missing prediction folder and usage errors', () => {
    const errors: string[] = [];
    const dir = sharedFixture('metrics', 'davis-semi');
    expect(
      main(
        ['davis', '--gt', join(dir, 'gt'), '--pred', '/nonexistent', '--task', 'semi'],
        () => {},
        (s) => errors.push(s),
      ),
    ).toBe(1);
    expect(errors[0]).toMatch(/nonexistent\/blackswan: missing prediction folder/);
    expect(
      main(
        ['frobnicate'],
        () => {},
        () => {},
      ),
    ).toBe(2);
  });
});
