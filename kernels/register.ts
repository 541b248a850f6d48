import { KernelConfig, getKernel, registerKernel } from '@tensorflow/tfjs-core';
import { eStepCpuConfig } from './cpu/EStep.js';
import { logLikelihoodCpuConfig } from './cpu/LogLikelihood.js';
import { eStepWasmConfig } from './wasm/EStep.js';
import { logLikelihoodWasmConfig } from './wasm/LogLikelihood.js';
import { responsibilitiesWebGPUConfig } from './webgpu/Responsibilities.js';
import { responsibilitiesWebGLConfig } from './webgl/Responsibilities.js';

export { E_STEP, LOG_LIKELIHOOD, RESPONSIBILITIES } from './kernelNames.js';
export { hostKernelInfo, setHostRelaxedSimd, setHostThreads } from './host/hostEngine.js';

const configs: KernelConfig[] = [
  eStepCpuConfig,
  logLikelihoodCpuConfig,
  eStepWasmConfig,
  logLikelihoodWasmConfig,
  responsibilitiesWebGPUConfig,
  responsibilitiesWebGLConfig,
];

/**
 * Registers the fused kernels: e-step and log-likelihood for cpu and wasm,
 * responsibilities for webgpu and webgl (once;
 * a backend that is never used costs nothing: the kernels only import types
 * from the backend packages, and the host kernel compiles its wasm module and
 * starts its threads on first use).
 */
export function registerFusedKernels(): void {
  for (const config of configs) {
    if (getKernel(config.kernelName, config.backendName) === undefined) registerKernel(config);
  }
}
