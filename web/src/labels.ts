/**
 * The optional labels file (one genuine/impostor label per sample row) and the DET curve of
 * the scores against it, with the library's DET math.
 */
import { detCurve, equalErrorRate } from '../../src/math/det.js';
import { InputError } from './messages.js';
import type { Det } from './protocol.js';

/** Most points of the DET curve sent to the page; the EER comes from the whole curve. */
const MAX_CURVE_POINTS = 2000;

export interface Labels {
  name: string;
  /** 1: genuine, 0: impostor, one per sample row. */
  genuine: Uint8Array;
}

const WORDS: Record<string, number> = { '1': 1, genuine: 1, '0': 0, impostor: 0 };

/**
 * One label a line of the file's lines (blank lines skipped): 0/1 or impostor/genuine, in any case, quotes allowed;
 * a line of several fields (`id,label`) gives its last; a first line of words that are no label is a header.
 * Messages name the file's line and the sample it would be (both counted from 1).
 */
export function parseLabels(lines: string[], name: string): Labels {
  const values: number[] = [];
  let header = false;
  for (let i = 0; i < lines.length; i++) {
    const fields = lines[i].trim().split(/\s*,\s*|\s+/);
    const word = fields[fields.length - 1].replace(/^"(.*)"$/, '$1').toLowerCase();
    if (word === '') continue;
    const value = WORDS[word];
    if (value === undefined && values.length === 0 && !header && /[a-z]/.test(word)) {
      header = true;
      continue;
    }
    if (value === undefined) {
      throw new InputError(
        `${name}, line ${i + 1} (sample ${values.length + 1}): "${lines[i].trim().slice(0, 40)}" is not a label (0/1 or impostor/genuine, one per line)`,
      );
    }
    values.push(value);
  }
  if (values.length === 0) throw new InputError(`${name}: no labels (0/1 or impostor/genuine, one per line)`);
  return { name, genuine: Uint8Array.from(values) };
}

/** The DET curve and EER of the scores split by the labels, or why there is none. */
export function detOf(scores: Float64Array, labels: Labels, featuresName: string): Det | string {
  const n = labels.genuine.length;
  if (n !== scores.length) {
    return `${labels.name} has ${n} labels, but ${featuresName} has ${scores.length} samples: one label per sample row is needed.`;
  }
  const genuine: number[] = [];
  const impostor: number[] = [];
  for (let i = 0; i < n; i++) (labels.genuine[i] === 1 ? genuine : impostor).push(scores[i]);
  if (genuine.length === 0 || impostor.length === 0) {
    return `${labels.name}: a DET curve needs both genuine and impostor samples, but all ${n} are ${genuine.length === 0 ? 'impostor' : 'genuine'}.`;
  }
  const curve = detCurve(genuine, impostor);
  const every = Math.ceil(curve.length / MAX_CURVE_POINTS);
  const shown = curve.filter((_, i) => i % every === 0 || i === curve.length - 1);
  return { curve: shown, eer: equalErrorRate(curve), genuine: genuine.length, impostor: impostor.length };
}
