import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../src/cli/main.js';

let work: string;
beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), 'slotmatch-synth-cli-'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

async function run(args: string[], signal?: AbortSignal) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    log: (m) => out.push(m),
    error: (m) => err.push(m),
    ...(signal ? { signal } : {}),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

const tiny = ['--width', '24', '--height', '16', '--frames', '3'];

describe('slotmatch-synth CLI', () => {
  it('--help prints the usage and exits 0', async () => {
    const r = await run(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^usage: slotmatch-synth --out DIR/);
    expect(r.stdout).toMatch(/--difficulty X/);
  });

  it.each([
    [[], /--out: is required/],
    [['--width', 'abc'], /--width: must be a non-negative integer, got "abc"/],
    [['--width', '4'], /--width: must be an integer in 8\.\.4096, got 4/],
    [['--difficulty', '1.5'], /--difficulty: must be a number in \[0, 1\], got 1\.5/],
    [['--difficulty', 'hard'], /--difficulty: must be a number in \[0, 1\], got "hard"/],
    [['--split', 'val'], /--split: must be one of train, validation, test, got "val"/],
    [['--split', 'test,test'], /--split: names a split twice/],
    [['--videos', '0'], /--videos: must be in 1\.\.100000, got 0/],
    [['--split', 'train,test', '--videos', '1,2,3'], /--videos: gives 3 counts for 2 splits/],
    [['--min-objects', '7', '--max-objects', '3'], /--min-objects: must not exceed maxObjects/],
    [['--palette', 'neon'], /--palette: must be one of vivid, pastel, muted, grey/],
    [['--seed', '-1'], /Option '--seed' argument is ambiguous|--seed: must be a non-negative integer/],
    [['--colour', 'red'], /Unknown option '--colour'/],
    [['extra'], /extra: unexpected argument/],
  ])('bad options %j: message on stderr, exit 1, nothing written', async (args, message) => {
    const out = join(work, 'bad');
    const withOut = args.length === 0 ? [] : ['--out', out, ...args];
    const r = await run(withOut);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^slotmatch-synth: /);
    expect(r.stderr).toMatch(message);
    expect(r.stdout).toBe('');
    expect(readdirSync(work)).not.toContain('bad');
  });

  it('writes several splits, each atomically, and refuses to overwrite without --overwrite', async () => {
    const out = join(work, 'ok');
    const r = await run([
      '--out',
      out,
      '--seed',
      '3',
      '--split',
      'train,validation',
      '--videos',
      '2,1',
      ...tiny,
    ]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/train: 2 videos × 3 frames of 24×16, seed 3/);
    expect(readdirSync(out).sort()).toEqual(['train', 'validation']);
    expect(readdirSync(join(out, 'validation', 'JPEGImages'))).toEqual(['validation-0000']);
    const meta = readFileSync(join(out, 'train', 'meta.json'), 'utf8');

    const again = await run(['--out', out, '--seed', '4', '--split', 'train', ...tiny]);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/train: already exists; pass overwrite \(CLI: --overwrite\)/);
    expect(readFileSync(join(out, 'train', 'meta.json'), 'utf8')).toBe(meta);

    const replaced = await run([
      '--out',
      out,
      '--seed',
      '4',
      '--split',
      'train',
      '--videos',
      '1',
      '--overwrite',
      ...tiny,
    ]);
    expect(replaced.code).toBe(0);
    expect(JSON.parse(readFileSync(join(out, 'train', 'meta.json'), 'utf8')).seed).toBe(4);
    expect(readdirSync(out).sort()).toEqual(['train', 'validation']);
  });

  it('fails with exit 1 when the output cannot be written, leaving nothing behind', async () => {
    const file = join(work, 'a-file');
    writeFileSync(file, 'x');
    const r = await run(['--out', file, ...tiny]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^slotmatch-synth: .*a-file/);
    expect(readFileSync(file, 'utf8')).toBe('x');
  });

  it('draws a progress line on a TTY only', async () => {
    const chunks: string[] = [];
    const tty = { isTTY: true, write: (s: string) => chunks.push(s) > 0 } as unknown as NodeJS.WritableStream;
    const out: string[] = [];
    const code = await main(['--out', join(work, 'tty'), '--videos', '2', ...tiny], {
      log: (m) => out.push(m),
      error: (m) => out.push(m),
      progress: tty,
    });
    expect(code).toBe(0);
    expect(chunks.join('')).toMatch(/\rtest \[#{24}\] 2\/2 videos {2}6\/6 frames {2}[\d.]+ fps/);
    expect(chunks.at(-1)).toBe('\n');
    const pipe = {
      isTTY: false,
      write: (s: string) => chunks.push(`pipe:${s}`) > 0,
    } as unknown as NodeJS.WritableStream;
    chunks.length = 0;
    await main(['--out', join(work, 'pipe'), ...tiny], { log: () => {}, error: () => {}, progress: pipe });
    expect(chunks).toEqual([]);
  });

  it('an interrupt (abort signal) exits 130 and removes the unfinished split', async () => {
    const out = join(work, 'interrupted');
    const controller = new AbortController();
    controller.abort();
    const r = await run(['--out', out, ...tiny], controller.signal);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted; the unfinished split was removed/);
    expect(readdirSync(out)).toEqual([]);
  });
});
