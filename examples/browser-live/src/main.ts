/**
 * The live page: loads the bundle named by the URL (`?bundle=<name>` served under /bundles/, or
 * `?bundle=<URL>`; `&device=auto|webgpu|wasm`, default auto = WebGPU, else wasm) with
 * @slotmatch/runtime-web, shows its name and the execution provider onnxruntime-web settled on,
 * then segments the chosen video file or the webcam live: every result is drawn as a slot overlay
 * and the fps (results per second, sliding window) and the slots in view are updated.
 *
 * For automation the body carries `data-state` (loading → ready → running; error) and
 * `data-frames` (results drawn so far), and #provider carries `data-provider`.
 */
import { loadSegmenter, type WebDevice, type WebSegmenter } from '@slotmatch/runtime-web';
import { drawOverlay } from './drawOverlay.js';
import { FpsMeter } from './fpsMeter.js';
import { liveFrames } from './liveFrames.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const ui = {
  bundle: $('bundle'),
  provider: $('provider'),
  fps: $('fps'),
  slots: $('slots'),
  status: $('status'),
  file: $<HTMLInputElement>('file'),
  webcam: $<HTMLButtonElement>('webcam'),
  stop: $<HTMLButtonElement>('stop'),
  canvas: $<HTMLCanvasElement>('overlay'),
  video: $<HTMLVideoElement>('video'),
};

function setState(state: 'loading' | 'ready' | 'running' | 'error', message: string): void {
  document.body.dataset.state = state;
  ui.status.textContent = message;
  ui.status.classList.toggle('error', state === 'error');
}

/** The bundle URL for the `bundle` parameter: a URL or path as is, a bare name under /bundles/. */
function bundleUrl(param: string): string {
  return /^[\w.-]+$/.test(param) ? `/bundles/${param}` : param;
}

/** Without `?bundle=`: list the bundles the server knows as links. */
async function offerBundles(): Promise<void> {
  setState('error', 'Choose a model bundle with ?bundle=<name or URL>: ');
  const list = await fetch('/bundles/index.json')
    .then((r) => (r.ok ? (r.json() as Promise<{ bundles: string[] }>) : { bundles: [] }))
    .catch(() => ({ bundles: [] as string[] }));
  for (const name of list.bundles) {
    const a = document.createElement('a');
    a.href = `?bundle=${encodeURIComponent(name)}`;
    a.textContent = name;
    ui.status.append(a);
  }
}

const PROVIDER_NAMES: Record<string, string> = { webgpu: 'WebGPU', wasm: 'wasm' };

let running: { controller: AbortController; done: Promise<void> } | undefined;

async function stop(): Promise<void> {
  if (!running) return;
  running.controller.abort();
  await running.done;
  running = undefined;
  const stream = ui.video.srcObject as MediaStream | null;
  for (const track of stream?.getTracks() ?? []) track.stop();
  ui.video.pause();
  ui.stop.disabled = true;
}

/** Segment what `ui.video` plays until stopped or ended. */
function run(segmenter: WebSegmenter, source: string): void {
  const controller = new AbortController();
  const meter = new FpsMeter();
  let frames = 0;
  const done = (async () => {
    setState('running', `Segmenting ${source}…`);
    ui.stop.disabled = false;
    try {
      for await (const r of segmenter.segment(liveFrames(ui.video, controller.signal), {
        batchSize: 1,
        signal: controller.signal,
      })) {
        const shown = drawOverlay(ui.canvas, r);
        const fps = meter.tick(performance.now());
        const modelMs =
          r.timings.preprocessMs + r.timings.encoderMs + r.timings.stepMs + r.timings.postprocessMs;
        ui.fps.textContent = fps === undefined ? '–' : `${fps.toFixed(1)} (${modelMs.toFixed(0)} ms/frame)`;
        ui.slots.textContent = `${shown} of ${segmenter.manifest.slots.count} in view`;
        document.body.dataset.frames = String(++frames);
      }
      if (!controller.signal.aborted) setState('ready', `${source} ended after ${frames} segmented frames.`);
    } catch (e) {
      if (!controller.signal.aborted) setState('error', `${(e as Error).name}: ${(e as Error).message}`);
    }
  })();
  running = { controller, done };
}

async function main(): Promise<void> {
  const params = new URLSearchParams(location.search);
  const param = params.get('bundle');
  if (!param) return offerBundles();
  const device = (params.get('device') ?? 'auto') as WebDevice;
  const url = bundleUrl(param);
  ui.bundle.textContent = param;
  setState('loading', `Loading ${url} (${device})…`);
  let segmenter: WebSegmenter;
  try {
    segmenter = await loadSegmenter(url, { device, wasmPaths: '/ort/' });
  } catch (e) {
    setState('error', `${(e as Error).name}: ${(e as Error).message}`);
    return;
  }
  const m = segmenter.manifest;
  const provider = segmenter.backend?.provider ?? 'unknown';
  ui.bundle.textContent = `${m.name} (${m.role}, ${m.slots.count} slots, ${m.input.width}×${m.input.height})`;
  ui.provider.dataset.provider = provider;
  ui.provider.textContent =
    provider === 'wasm'
      ? `wasm (${segmenter.backend?.numThreads ?? 1} thread${segmenter.backend?.numThreads === 1 ? '' : 's'})`
      : (PROVIDER_NAMES[provider] ?? provider);
  ui.file.disabled = false;
  ui.webcam.disabled = false;
  setState('ready', 'Pick a video file or start the webcam.');

  ui.file.addEventListener('change', async () => {
    const file = ui.file.files?.[0];
    if (!file) return;
    await stop();
    ui.video.srcObject = null;
    ui.video.src = URL.createObjectURL(file);
    ui.video.loop = true;
    try {
      await ui.video.play();
    } catch (e) {
      setState('error', `${file.name} cannot be played: ${(e as Error).message}`);
      return;
    }
    run(segmenter, file.name);
  });
  ui.webcam.addEventListener('click', async () => {
    await stop();
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ video: true, audio: false });
      ui.video.removeAttribute('src');
      ui.video.srcObject = stream;
      await ui.video.play();
    } catch (e) {
      setState('error', `The webcam is not available: ${(e as Error).message}`);
      return;
    }
    run(segmenter, 'the webcam');
  });
  ui.stop.addEventListener('click', async () => {
    await stop();
    setState('ready', 'Stopped. Pick a video file or start the webcam.');
  });
  ui.video.addEventListener('error', () => {
    setState('error', `The video cannot be decoded (${ui.video.error?.message ?? 'media error'}).`);
  });
}

void main();
