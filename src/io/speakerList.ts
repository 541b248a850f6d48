/**
 * Speaker list files: one "speaker path" per line (the path relative to the list's folder;
 * blank lines and # comments skipped), as the isv and jfa commands and their workers read them.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TfjsEmError } from '../errors.js';

export interface SpeakerFile {
  speaker: string;
  file: string;
}

export function readSpeakerList(list: string): SpeakerFile[] {
  let text: string;
  try {
    text = readFileSync(list, 'utf8');
  } catch {
    throw new TfjsEmError('INVALID_DATA', `${list}: cannot be read`);
  }
  const base = path.dirname(list);
  return text.split(/\r?\n/).flatMap((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return [];
    const match = /^(\S+)\s+(.+)$/.exec(line);
    if (match === null) throw new TfjsEmError('INVALID_DATA', `${list}:${i + 1}: expected "speaker path"`, `${list}:${i + 1}`);
    return [{ speaker: match[1], file: path.resolve(base, match[2]) }];
  });
}
