/**
 * What the library warns about without stopping: a fit that ended in a state the user should
 * know of. A fit hands its warnings to FitOptions.onWarning; without one they go to Node's
 * process.emitWarning (printed once on stderr) or, in browsers, console.warn.
 */
export type WarningCode = 'VARIANCE_AT_FLOOR';

export interface TfjsEmWarning {
  code: WarningCode;
  message: string;
}

export function emitWarning(warning: TfjsEmWarning): void {
  const p = (globalThis as { process?: { emitWarning?: (message: string, options: object) => void } }).process;
  if (typeof p?.emitWarning === 'function') p.emitWarning(warning.message, { type: 'TfjsEmWarning', code: warning.code });
  else console.warn(`TfjsEmWarning [${warning.code}]: ${warning.message}`);
}
