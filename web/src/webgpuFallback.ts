/**
 * Chromium on a machine whose only WebGPU path is OpenGL ES (e.g. Mesa llvmpipe with
 * --use-webgpu-adapter=opengles) offers adapters only at the 'compatibility' feature level,
 * which tfjs never asks for. When the plain request finds no adapter, ask again at that level.
 */
export function installWebGPUFallback(): void {
  const gpu = (navigator as Navigator & { gpu?: object }).gpu;
  if (gpu === undefined) return;
  type Request = (this: object, options?: Record<string, unknown>) => Promise<unknown>;
  const proto = Object.getPrototypeOf(gpu) as { requestAdapter: Request };
  const original = proto.requestAdapter;
  proto.requestAdapter = async function (options = {}) {
    const adapter = await original.call(this, options).catch(() => null);
    return adapter ?? original.call(this, { ...options, featureLevel: 'compatibility' });
  };
}
