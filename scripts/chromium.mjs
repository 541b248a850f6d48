// Headless Debian Chromium for the browser suites and the bench, one set of flags for both.
import { chromium } from 'playwright-core';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const ARGS = [
  // WebGL2 on Mesa llvmpipe through ANGLE's EGL path (5x faster than SwiftShader), and
  // WebGPU through its OpenGL ES adapter (compatibility level; see web/src/webgpuFallback.ts).
  '--use-angle=gl-egl',
  '--ignore-gpu-blocklist',
  '--use-webgpu-adapter=opengles',
  // A closed network: nothing to phone home to.
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/** Launches it headless (without the sandbox as root, where Chromium refuses it). */
export function launchChromium() {
  const args = process.getuid?.() === 0 ? ['--no-sandbox', ...ARGS] : ARGS;
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args });
}
