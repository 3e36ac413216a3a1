import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { describeShared, hasSharedFixtures, readJson, sharedFixture } from '../../../test/fixtures.js';
import { main } from '../src/cli/main.js';
import { encodePalettePng, pngChunk } from '../src/png/encodePalettePng.js';

const pkg = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = join(pkg, 'dist', 'cli.js');

/** Build dist/ when it is missing or older than a source file. */
function buildIfNeeded(): void {
  const built = (f: string) =>
    existsSync(join(pkg, 'dist', f)) ? statSync(join(pkg, 'dist', f)).mtimeMs : 0;
  const newestSource = readdirSync(join(pkg, 'src'), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((t, e) => Math.max(t, statSync(join(e.parentPath, e.name)).mtimeMs), 0);
  if (Math.min(built('cli.js'), built('worker.js')) < newestSource) {
    execFileSync('npx', ['tsdown'], { cwd: pkg, stdio: 'ignore' });
  }
}

interface Stat {
  mean: number | null;
  recall: number | null;
  decay: number | null;
  per_frame: (number | null)[];
}
interface Expected {
  protocol: 'semi' | 'unsupervised';
  error?: unknown;
  global: Record<string, number | null>;
  sequences: Record<
    string,
    { 'J-Mean': number | null; 'F-Mean': number | null; objects: { J: Stat; F: Stat }[] }
  >;
  details: Record<string, Record<string, unknown>>;
  object_metrics: Record<string, Record<string, number | null>>;
}

/** Deep comparison: numbers (null = NaN) to 1e-6, everything else exactly; `path` names the place. */
function expectClose(got: unknown, want: unknown, path: string): void {
  if (typeof want === 'number') {
    expect(typeof got, path).toBe('number');
    expect(Math.abs((got as number) - want), `${path}: ${got} vs ${want}`).toBeLessThan(1e-6);
  } else if (Array.isArray(want)) {
    expect(Array.isArray(got), path).toBe(true);
    expect((got as unknown[]).length, `${path} length`).toBe(want.length);
    want.forEach((w, i) => {
      expectClose((got as unknown[])[i], w, `${path}[${i}]`);
    });
  } else if (want !== null && typeof want === 'object') {
    for (const [k, w] of Object.entries(want)) {
      expect(got, path).toHaveProperty([k]);
      expectClose((got as Record<string, unknown>)[k], w, `${path}.${k}`);
    }
  } else {
    expect(got, path).toBe(want);
  }
}

/** `davis` arguments for a folder with gt/ and pred/, writing the JSON and the CSVs into `out`. */
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

const fixtureCases = hasSharedFixtures
  ? [
      'davis-semi',
      'davis-unsup',
      ...readdirSync(sharedFixture('metrics', 'synthetic')).map((c) => `synthetic/${c}`),
    ].filter((c) => !readJson<Expected>(sharedFixture('metrics', c, 'expected.json')).error)
  : [];

describeShared('slotmatch-eval CLI on the reference fixtures', () => {
  for (const c of fixtureCases) {
    it(`davis ${c}: global, sequences and details match the reference (2 worker threads)`, async () => {
      const out = mkdtempSync(join(tmpdir(), 'slotmatch-eval-'));
      const dir = sharedFixture('metrics', c);
      const want = readJson<Expected>(join(dir, 'expected.json'));
      const task = want.protocol === 'semi' ? 'semi' : 'unsupervised';
      expect(await main([...davisArgs(dir, task, out), '--jobs', '2'], () => {})).toBe(0);
      const got = readJson<Expected>(join(out, 'r.json'));
      expect(got.protocol).toBe(task);
      expectClose(got.global, want.global, 'global');
      expectClose(got.sequences, want.sequences, 'sequences');
      // `details` in the reference's schema and names; the note is free text.
      for (const [seq, d] of Object.entries(want.details)) {
        const { matching_score_matrix_note: _note, ...rest } = d;
        expectClose(got.details[seq], rest, `details.${seq}`);
        expect(Object.keys(got.details[seq]!).sort()).toEqual(Object.keys(d).sort());
      }
      const csv = readFileSync(join(out, 'global_results-val.csv'), 'utf8').trim().split('\n');
      expect(csv[0]).toBe('J&F-Mean,J-Mean,J-Recall,J-Decay,F-Mean,F-Recall,F-Decay');
      const jf = want.global['J&F-Mean']!;
      expect(Math.abs(Number(csv[1]!.split(',')[0]) - jf)).toBeLessThan(1e-12);
      const perSeq = readFileSync(join(out, 'per-sequence_results-val.csv'), 'utf8').trim().split('\n');
      expect(perSeq[0]).toBe('Sequence,J-Mean,F-Mean');
      expect(perSeq.length - 1).toBe(Object.values(want.sequences).reduce((n, s) => n + s.objects.length, 0));
    });
  }

  it('objects: JSON matches the reference', async () => {
    const out = mkdtempSync(join(tmpdir(), 'slotmatch-eval-'));
    const dir = sharedFixture('metrics', 'davis-unsup');
    const args = [
      'objects',
      '--gt',
      join(dir, 'gt'),
      '--pred',
      join(dir, 'pred'),
      '--json',
      join(out, 'o.json'),
    ];
    expect(await main(args, () => {})).toBe(0);
    const want = readJson<Expected>(join(dir, 'expected.json')).object_metrics;
    const got = readJson<Expected>(join(out, 'o.json')).object_metrics;
    for (const [seq, m] of Object.entries(want)) {
      for (const [k, v] of Object.entries(m)) {
        if (v === null) expect(got[seq]![k], `${seq} ${k}`).toBeNull();
        else expect(Math.abs(got[seq]![k]! - v), `${seq} ${k}`).toBeLessThan(1e-9);
      }
    }
  });

  it('the built binary (worker threads from dist/) writes the same JSON as the sources', async () => {
    buildIfNeeded();
    const dir = sharedFixture('metrics', 'davis-semi');
    const a = mkdtempSync(join(tmpdir(), 'slotmatch-eval-'));
    const b = mkdtempSync(join(tmpdir(), 'slotmatch-eval-'));
    const run = spawnSync(process.execPath, [cli, ...davisArgs(dir, 'semi', a), '--jobs', '2'], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toBe(''); // not a terminal: no progress bar
    expect(await main([...davisArgs(dir, 'semi', b), '--jobs', '1'], () => {})).toBe(0);
    expect(readFileSync(join(a, 'r.json'), 'utf8')).toBe(readFileSync(join(b, 'r.json'), 'utf8'));
  });
});

// ---- Bad input, on data the test writes itself ----------------------------------------------

const W = 16;
const H = 12;

/** Label map with object 1 (a moving box) and, when `two`, object 2. */
function labels(t: number, two = false, extraId = 0): Uint8Array {
  const data = new Uint8Array(W * H);
  for (let y = 2; y < 7; y++) for (let x = 2 + t; x < 8 + t; x++) data[y * W + x] = 1;
  if (two) for (let y = 8; y < 11; y++) for (let x = 9; x < 14; x++) data[y * W + x] = 2;
  if (extraId) data[W * H - 1] = extraId;
  return data;
}

/** A DAVIS-layout folder: sequences a and b, 4 frames each, prediction = GT shifted by a pixel. */
function layout(): string {
  const root = mkdtempSync(join(tmpdir(), 'slotmatch-bad-'));
  for (const seq of ['a', 'b']) {
    for (const side of ['gt', 'pred']) {
      mkdirSync(join(root, side, seq), { recursive: true });
      for (let t = 0; t < 4; t++) {
        const data = side === 'gt' ? labels(t, seq === 'b') : labels(t + 1, seq === 'b');
        writeFileSync(join(root, side, seq, `0000${t}.png`), encodePalettePng(data, W, H));
      }
    }
  }
  return root;
}

/** An 8-bit RGB PNG (colour type 2). */
function rgbPng(width: number, height: number): Uint8Array {
  const ihdr = new Uint8Array(13);
  new DataView(ihdr.buffer).setUint32(0, width);
  new DataView(ihdr.buffer).setUint32(4, height);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = new Uint8Array((width * 3 + 1) * height);
  return Buffer.concat([
    Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]),
    pngChunk('IHDR', ihdr),
    pngChunk('IDAT', deflateSync(raw)),
    pngChunk('IEND', new Uint8Array(0)),
  ]);
}

const badInputs: {
  name: string;
  task: 'semi' | 'unsupervised';
  spoil: (root: string) => string;
  rule: RegExp;
}[] = [
  {
    name: 'RGB PNG',
    task: 'unsupervised',
    spoil: (root) => {
      const f = join(root, 'pred', 'b', '00002.png');
      writeFileSync(f, rgbPng(W, H));
      return f;
    },
    rule: /RGB PNG: a label mask must be a palette \(P\) or grey \(L\) PNG/,
  },
  {
    name: 'corrupt PNG',
    task: 'semi',
    spoil: (root) => {
      const f = join(root, 'gt', 'a', '00001.png');
      writeFileSync(f, readFileSync(f).subarray(0, 40));
      return f;
    },
    rule: /corrupt PNG/,
  },
  {
    name: 'missing frame',
    task: 'semi',
    spoil: (root) => {
      const f = join(root, 'pred', 'b', '00003.png');
      rmSync(f);
      return f;
    },
    rule: /missing frame \(the ground truth has it\)/,
  },
  {
    name: 'extra frame',
    task: 'unsupervised',
    spoil: (root) => {
      const f = join(root, 'pred', 'a', '00009.png');
      writeFileSync(f, encodePalettePng(labels(0), W, H));
      return f;
    },
    rule: /extra frame \(the ground truth has no such frame\)/,
  },
  {
    name: 'size mismatch',
    task: 'semi',
    spoil: (root) => {
      const f = join(root, 'pred', 'b', '00001.png');
      writeFileSync(f, encodePalettePng(new Uint8Array((W + 2) * H), W + 2, H));
      return f;
    },
    rule: /size 18×12 does not match the ground truth 16×12/,
  },
  {
    name: 'label above 20 in the unsupervised task',
    task: 'unsupervised',
    spoil: (root) => {
      const f = join(root, 'pred', 'a', '00000.png');
      writeFileSync(f, encodePalettePng(labels(1, false, 21), W, H));
      return f;
    },
    rule: /proposal id 21 is above the maximum of 20 proposals/,
  },
  {
    name: 'more predicted ids than GT objects in the semi-supervised task',
    task: 'semi',
    spoil: (root) => {
      const f = join(root, 'pred', 'a', '00002.png');
      writeFileSync(f, encodePalettePng(labels(3, false, 3), W, H));
      return f;
    },
    rule: /prediction id 3 is higher than the number of GT objects \(1\)/,
  },
];

describe('slotmatch-eval on bad input: names the file and the rule, exits 1, writes nothing', () => {
  it('accepts the unspoilt layout in both tasks (the cases below differ by one file)', async () => {
    const root = layout();
    for (const task of ['semi', 'unsupervised']) {
      const out = mkdtempSync(join(tmpdir(), 'slotmatch-out-'));
      expect(await main([...davisArgs(root, task, out), '--jobs', '2'], () => {})).toBe(0);
      expect(readdirSync(out).sort()).toEqual([
        'global_results-val.csv',
        'per-sequence_results-val.csv',
        'r.json',
      ]);
    }
  });

  for (const bad of badInputs) {
    it(bad.name, async () => {
      const root = layout();
      const file = bad.spoil(root);
      const out = mkdtempSync(join(tmpdir(), 'slotmatch-out-'));
      const errors: string[] = [];
      const code = await main(
        [...davisArgs(root, bad.task, out), '--jobs', '2'],
        () => {},
        (s) => errors.push(s),
      );
      expect(code).toBe(1);
      expect(errors.join('\n')).toContain(`${file}: `);
      expect(errors.join('\n')).toMatch(bad.rule);
      expect(readdirSync(out)).toEqual([]);
    });
  }

  it('objects: a size mismatch names the file, exits 1, writes nothing', async () => {
    const root = layout();
    const file = badInputs[4]!.spoil(root);
    const out = mkdtempSync(join(tmpdir(), 'slotmatch-out-'));
    const errors: string[] = [];
    const args = [
      'objects',
      '--gt',
      join(root, 'gt'),
      '--pred',
      join(root, 'pred'),
      '--json',
      join(out, 'o.json'),
    ];
    expect(
      await main(
        [...args, '--jobs', '2'],
        () => {},
        (s) => errors.push(s),
      ),
    ).toBe(1);
    expect(errors.join('\n')).toContain(`${file}: size 18×12 does not match the ground truth 16×12`);
    expect(readdirSync(out)).toEqual([]);
  });

  it('the built binary exits with status 1 and prints the message on stderr', () => {
    buildIfNeeded();
    const root = layout();
    const file = badInputs[6]!.spoil(root);
    const out = mkdtempSync(join(tmpdir(), 'slotmatch-out-'));
    const run = spawnSync(process.execPath, [cli, ...davisArgs(root, 'semi', out)], { encoding: 'utf8' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`${file}: prediction id 3 is higher than the number of GT objects (1)`);
    expect(readdirSync(out)).toEqual([]);
  });

  it('in the semi-supervised task ignores ids in the last frame, which the protocol never reads', async () => {
    const root = layout();
    writeFileSync(join(root, 'pred', 'a', '00003.png'), encodePalettePng(labels(4, false, 7), W, H));
    const out = mkdtempSync(join(tmpdir(), 'slotmatch-out-'));
    expect(await main([...davisArgs(root, 'semi', out), '--jobs', '1'], () => {})).toBe(0);
  });

  it('reports usage errors with exit 2 and a missing prediction folder with exit 1', async () => {
    const root = layout();
    const errors: string[] = [];
    const args = ['davis', '--gt', join(root, 'gt'), '--pred', join(root, 'nope'), '--task', 'semi'];
    expect(
      await main(
        args,
        () => {},
        (s) => errors.push(s),
      ),
    ).toBe(1);
    expect(errors[0]).toContain(`${join(root, 'nope', 'a')}: missing prediction folder`);
    expect(
      await main(
        ['frobnicate'],
        () => {},
        () => {},
      ),
    ).toBe(2);
  });
});
