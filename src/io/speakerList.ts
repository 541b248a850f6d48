/**
 * List files of statistics files: one "speaker path" per line for the isv and jfa commands, one
 * path per line for ivector; paths relative to the list's folder; blank lines and # comments
 * skipped. The commands and their workers read them alike.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { TfjsEmError } from '../errors.js';

export interface SpeakerFile {
  speaker: string;
  file: string;
}

export function readSpeakerList(list: string): SpeakerFile[] {
  const base = path.dirname(list);
  return lines(list).flatMap(([line, i]) => {
    const match = /^(\S+)\s+(.+)$/.exec(line);
    if (match === null) throw new TfjsEmError('INVALID_DATA', `${list}:${i + 1}: expected "speaker path"`, `${list}:${i + 1}`);
    return [{ speaker: match[1], file: path.resolve(base, match[2]) }];
  });
}

/** The paths of a list of one path per line, resolved against its folder. */
export function readPathList(list: string): string[] {
  return lines(list).map(([line]) => path.resolve(path.dirname(list), line));
}

/** The list's lines that are neither blank nor comments, trimmed, with their (0-based) numbers. */
function lines(list: string): [string, number][] {
  let text: string;
  try {
    text = readFileSync(list, 'utf8');
  } catch {
    throw new TfjsEmError('INVALID_DATA', `${list}: cannot be read`);
  }
  return text.split(/\r?\n/).flatMap((raw, i): [string, number][] => {
    const line = raw.trim();
    return line === '' || line.startsWith('#') ? [] : [[line, i]];
  });
}
