import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { decodePng } from '@slotmatch/metrics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeShared, sharedFixture } from '../../../test/fixtures.js';
import { main } from '../src/cli/main.js';
import { ffmpegPath, runTool } from '../src/frames/ffmpeg.js';

const here = dirname(fileURLToPath(import.meta.url));
// The exported tiny teacher when the PyTorch package has written it, else the tests' own mini bundle.
const tinyTeacher = join(here, 'fixtures', 'tiny-teacher');
const tinyStudent = join(here, 'fixtures', 'tiny-student');
const mini = join(here, 'models', 'mini');
const teacherBundle = existsSync(join(tinyTeacher, 'model.json')) ? tinyTeacher : mini;
const studentBundle = existsSync(join(tinyStudent, 'model.json')) ? tinyStudent : mini;

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, {
    log: (m) => out.push(m),
    warn: (m) => err.push(m),
    error: (m) => err.push(m),
  });
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** `compare <input> --teacher … --student … --json <json> --device cpu …extra`. */
const compareArgs = (input: string, json: string, ...extra: string[]) => [
  'compare',
  input,
  '--teacher',
  teacherBundle,
  '--student',
  studentBundle,
  '--json',
  json,
  '--device',
  'cpu',
  ...extra,
];

/** `segment <input> --model <teacher> --out <out> --overlay <overlay> --device cpu …extra`. */
const segmentArgs = (input: string, out: string, overlay: string, ...extra: string[]) => [
  'segment',
  input,
  '--model',
  teacherBundle,
  '--out',
  out,
  '--overlay',
  overlay,
  '--device',
  'cpu',
  ...extra,
];

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'slotmatch-cli-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describeShared('slotmatch CLI on DAVIS blackswan', () => {
  const blackswan = sharedFixture('video', 'JPEGImages', 'blackswan');

  it('segment writes palette PNG masks at the frame size, slots.json and an overlay GIF', async () => {
    const out = join(work, 'seg');
    const gif = join(work, 'overlay.gif');
    const r = await run(segmentArgs(blackswan, out, gif, '--max-frames', '3', '--batch', '2'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/segmented 3 frames with .* on onnxruntime-node\/cpu/);
    const masks = (await readdir(join(out, 'masks'))).sort();
    expect(masks).toEqual(['00000.png', '00001.png', '00002.png']);
    const slotsJson = JSON.parse(await readFile(join(out, 'slots.json'), 'utf8'));
    const k = slotsJson.model.slots.count;
    for (const name of masks) {
      const img = decodePng(new Uint8Array(await readFile(join(out, 'masks', name))), name);
      expect([img.width, img.height]).toEqual([854, 480]);
      const labels = new Set(img.data);
      for (const l of labels) expect(l >= 1 && l <= k).toBe(true);
    }
    expect(slotsJson.frames).toHaveLength(3);
    expect(slotsJson.frames[2].slots).toHaveLength(k);
    expect(slotsJson.frames[2].slots[0]).toHaveLength(slotsJson.model.slots.dim);
    expect(slotsJson.frames[0].timings.totalMs).toBeGreaterThan(0);
    expect(slotsJson.summary.frames).toBe(3);
    const gifBytes = await readFile(gif);
    expect(gifBytes.subarray(0, 6).toString('latin1')).toBe('GIF89a');
    expect((await readdir(work)).filter((n) => n.includes('.partial-'))).toEqual([]);
  });

  it('compare reports the agreement of teacher and student and writes --json', async () => {
    const json = join(work, 'compare.json');
    const r = await run(compareArgs(blackswan, json, '--max-frames', '2'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/J&F\s+\d\.\d{4}/);
    const doc = JSON.parse(await readFile(json, 'utf8'));
    expect(doc.frames).toHaveLength(2);
    expect(doc.summary.frames).toBe(2);
    if (teacherBundle === studentBundle) {
      expect(doc.summary.jf).toBe(1);
      expect(doc.summary.slotCosine).toBeCloseTo(1, 5);
    }
    expect(doc.summary.speedRatio).toBeGreaterThan(0);
  });

  it('a corrupt image in the folder: exit 1, a message naming the folder, no partial output', async () => {
    const folder = join(work, 'frames-corrupt');
    await mkdir(folder);
    await copyFile(join(blackswan, '00000.jpg'), join(folder, '00000.jpg'));
    await writeFile(join(folder, '00001.jpg'), 'not a jpeg at all');
    const out = join(work, 'seg-corrupt');
    const r = await run(['segment', folder, '--model', mini, '--out', out, '--device', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^slotmatch: .*frames-corrupt\/00001\.jpg: ffmpeg cannot read it: .*JPEG/);
    expect(existsSync(out)).toBe(false);
    expect((await readdir(work)).filter((n) => n.includes('.partial-'))).toEqual([]);
  });
});

describe('slotmatch CLI on a clip generated by ffmpeg', () => {
  let video: string;
  let folder: string;
  beforeAll(async () => {
    video = join(work, 'testsrc.mp4');
    // 6 frames of ffmpeg's test pattern, 64×48, and the same frames as a PNG folder.
    await runTool(
      ffmpegPath(),
      [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        'testsrc=size=64x48:rate=10',
        '-frames:v',
        '6',
        '-pix_fmt',
        'yuv420p',
        video,
      ],
      video,
    );
    folder = join(work, 'testsrc-frames');
    await mkdir(folder);
    await runTool(ffmpegPath(), ['-v', 'error', '-i', video, join(folder, '%05d.png')], folder);
  });

  it('segment on a video file: one PNG per frame, slots.json rows, an mp4 overlay', async () => {
    const out = join(work, 'gen-seg');
    const mp4 = join(work, 'gen-overlay.mp4');
    const r = await run(segmentArgs(video, out, mp4, '--batch', '4'));
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect((await readdir(join(out, 'masks'))).length).toBe(6);
    const doc = JSON.parse(await readFile(join(out, 'slots.json'), 'utf8'));
    expect(doc.frames.map((f: { index: number }) => f.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(doc.summary.frames).toBe(6);
    expect(doc.summary.inferenceShare).toBeGreaterThan(0);
    expect((await readFile(mp4)).subarray(4, 8).toString('latin1')).toBe('ftyp');
  });

  it('compare --json streams one row per frame; a corrupt frame midway leaves no JSON and exits 1', async () => {
    const json = join(work, 'gen-compare.json');
    const ok = await run(compareArgs(folder, json, '--matching', 'hungarian'));
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
    const doc = JSON.parse(await readFile(json, 'utf8'));
    expect(doc.frames).toHaveLength(6);
    expect(doc.matching).toBe('hungarian');
    expect(doc.summary.frames).toBe(6);
    for (const f of doc.frames) expect(f.jf).toBeGreaterThanOrEqual(0);

    await writeFile(join(folder, '00004.png'), 'truncated');
    const bad = join(work, 'gen-compare-bad.json');
    const r = await run(compareArgs(folder, bad));
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^slotmatch: .*testsrc-frames\/00004\.png: ffmpeg cannot read it/);
    expect(existsSync(bad)).toBe(false);
    expect((await readdir(work)).filter((n) => n.includes('.partial-'))).toEqual([]);
  });
});

describe('slotmatch CLI errors', () => {
  it('a missing bundle: exit 1, message naming it, no output folder', async () => {
    const video = join(work, 'clip.mp4');
    const out = join(work, 'never');
    const r = await run(['segment', here, '--model', join(work, 'no-bundle'), '--out', out]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(
      /slotmatch: .*test: holds no \.jpg|no-bundle: model bundle folder does not exist/,
    );
    expect(existsSync(out)).toBe(false);
    await writeFile(video, 'garbage');
    const r2 = await run(['segment', video, '--model', mini, '--out', out]);
    expect(r2.code).toBe(1);
    expect(r2.stderr).toMatch(/^slotmatch: .*clip\.mp4: ffmpeg cannot read it/);
    expect(existsSync(out)).toBe(false);
  });

  it('usage errors exit 1 with the usage', async () => {
    expect((await run([])).code).toBe(1);
    const r = await run(['segment', 'x']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/--model <bundle> is required/);
    const u = await run(['segment', 'x', '--model', 'm', '--out', 'o', '--bogus']);
    expect(u.code).toBe(1);
    expect(u.stderr).toMatch(/Unknown option '--bogus'/);
    const o = await run(['segment', 'x', '--model', 'm', '--out', 'o', '--overlay', 'a.avi']);
    expect(o.stderr).toMatch(/a\.avi: overlay must end in \.gif, \.mp4, \.mov or \.mkv/);
    expect((await run(['frobnicate'])).stderr).toMatch(/frobnicate: unknown command/);
    const help = await run(['compare', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^slotmatch compare <video\|folder> --teacher <bundle> --student <bundle>/);
    expect((await run(['segment', 'x', '--model', 'm', '--out', 'o', '--batch', '0'])).stderr).toMatch(
      /--batch: must be an integer ≥ 1, got "0"/,
    );
  });
});
