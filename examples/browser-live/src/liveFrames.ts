/**
 * A playing video as a live frame source for the pipeline: each time the pipeline pulls a frame,
 * wait for the next frame the browser presents (`requestVideoFrameCallback`, else the next
 * animation frame) and hand over the element itself, which @slotmatch/runtime-web reads at its
 * current time. Frames presented while the model is busy are skipped, so the overlay keeps up with
 * real time whatever the model's speed. Paused or not-yet-decoded moments yield nothing; the source
 * ends when the video ends or `signal` aborts.
 */

type FrameCallbackVideo = HTMLVideoElement & {
  requestVideoFrameCallback?: (callback: () => void) => number;
  cancelVideoFrameCallback?: (handle: number) => void;
};

/** Resolve at the video's next presented frame, after at most `timeoutMs`, or on abort. */
function nextFrame(video: FrameCallbackVideo, signal: AbortSignal, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    let handle = 0;
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      if (video.cancelVideoFrameCallback) video.cancelVideoFrameCallback(handle);
      else cancelAnimationFrame(handle);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    signal.addEventListener('abort', done, { once: true });
    handle = video.requestVideoFrameCallback
      ? video.requestVideoFrameCallback(done)
      : requestAnimationFrame(done);
  });
}

/** The live frames of `video` (rules in the file header). */
export async function* liveFrames(
  video: HTMLVideoElement,
  signal: AbortSignal,
): AsyncGenerator<HTMLVideoElement, void, undefined> {
  while (!signal.aborted && !video.ended) {
    await nextFrame(video, signal, 250);
    if (signal.aborted) return;
    if (video.paused || video.readyState < 2 || video.videoWidth === 0) continue;
    yield video;
  }
}
