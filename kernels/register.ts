import { KernelConfig, engine, getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { eStepCpuConfig } from './cpu/EStep.js';
import { logLikelihoodCpuConfig } from './cpu/LogLikelihood.js';
import { eStepWasmConfig } from './wasm/EStep.js';
import { logLikelihoodWasmConfig } from './wasm/LogLikelihood.js';
import { eStepWebGPUConfig } from './webgpu/EStep.js';
import { logLikelihoodWebGPUConfig } from './webgpu/LogLikelihood.js';
import { eStepWebGLConfig } from './webgl/EStep.js';
import { logLikelihoodWebGLConfig } from './webgl/LogLikelihood.js';
import { plainKernelConfigs } from './plain/plainKernels.js';
import { whitenedCpuConfigs } from './cpu/Whitened.js';
import { whitenedWasmConfigs } from './wasm/Whitened.js';
import { whitenedWebGPUConfigs } from './webgpu/Whitened.js';
import { whitenedWebGLConfigs } from './webgl/Whitened.js';
import { E_STEP } from './kernelNames.js';

export { E_STEP, LOG_LIKELIHOOD } from './kernelNames.js';
export { hostKernelInfo, setHostRelaxedSimd, setHostResidentBytes, setHostThreads } from './host/hostEngine.js';

const fused: KernelConfig[] = [
  eStepCpuConfig,
  logLikelihoodCpuConfig,
  eStepWasmConfig,
  logLikelihoodWasmConfig,
  eStepWebGPUConfig,
  logLikelihoodWebGPUConfig,
  eStepWebGLConfig,
  logLikelihoodWebGLConfig,
  ...whitenedCpuConfigs,
  ...whitenedWasmConfigs,
  ...whitenedWebGPUConfigs,
  ...whitenedWebGLConfigs,
];

/** Whether a backend runs the fused e-step (else the plain-ops kernel serves it). */
export function hasFusedEStep(backendName: string): boolean {
  return fused.some((c) => c.kernelName === E_STEP && c.backendName === backendName);
}

/**
 * Registers the e-step kernels: the fused ones (host wasm SIMD on cpu and wasm,
 * GPU programs on webgpu and webgl), and the plain-ops ones for every other
 * backend registered so far (called before each use, so a backend registered
 * later is covered then). A backend that is never used costs nothing: the
 * kernels only import types from the backend packages, and the host kernel
 * compiles its module and starts its threads on first use.
 */
export function registerEStepKernels(): void {
  const backends = Object.keys(engine().registryFactory);
  if (backends.join() === registeredFor) return;
  for (const config of [...fused, ...backends.flatMap(plainKernelConfigs)]) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
  registeredFor = backends.join();
}

/** The backends registered when the kernels last were. */
let registeredFor: string | null = null;
