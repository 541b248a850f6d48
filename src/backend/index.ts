export { useBackend, ensureBackend, releaseBackend } from './select.js';
export { getBackendInfo } from './info.js';
export type { BackendInfo, BackendLimits } from './info.js';
export type { BackendName } from './names.js';
