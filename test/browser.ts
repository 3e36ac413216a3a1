/**
 * Test-only helpers for the browser tests (runtime-web, examples/browser-live): Debian's headless
 * Chromium driven by playwright-core, with WebGPU through SwiftShader, and a localhost server address
 * (a secure context). Pages that need WASM threads are served with the cross-origin isolation headers.
 */
import type { Server } from 'node:http';
import { type Browser, chromium } from 'playwright-core';

/** Debian's Chromium; browser tests skip where it is absent. */
export const chromiumPath = '/usr/bin/chromium';

/** Headless Chromium with WebGPU on SwiftShader and no background traffic. */
export const chromiumFlags: readonly string[] = [
  '--no-sandbox',
  '--headless=new',
  '--enable-unsafe-webgpu',
  '--use-webgpu-adapter=swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** Launch Chromium with {@link chromiumFlags} plus `extraArgs`. */
export function launchChromium(extraArgs: readonly string[] = []): Promise<Browser> {
  return chromium.launch({ executablePath: chromiumPath, args: [...chromiumFlags, ...extraArgs] });
}

/** Start `server` on a free loopback port; resolves to its origin (`http://127.0.0.1:PORT`). */
export async function listenOnLoopback(server: Server): Promise<string> {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `http://127.0.0.1:${(server.address() as { port: number }).port}`;
}
