/**
 * Statistics files with their speakers, as the isv and jfa commands take them: from list files
 * (one "speaker path" per line, paths relative to the list's folder, # comments) or from folder
 * names (a file's speaker is its folder's name; a folder given stands for its .h5 files and
 * those of its sub-folders, one speaker per folder).
 */
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { CliError } from './errors.js';
import { assertInputFile, isDirectory } from './files.js';

export interface SpeakerFile {
  speaker: string;
  file: string;
}

const H5 = /\.(h5|hdf5)$/i;

export function speakerFiles(lists: string[], inputs: string[]): SpeakerFile[] {
  const out = [...lists.flatMap(listed), ...inputs.flatMap(byFolder)];
  if (out.length === 0) throw new CliError('--stats', 'no statistics files given (--stats files or folders, or --list)');
  return out;
}

function listed(list: string): SpeakerFile[] {
  assertInputFile(list);
  const base = path.dirname(list);
  return readFileSync(list, 'utf8').split(/\r?\n/).flatMap((raw, i) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return [];
    const match = /^(\S+)\s+(.+)$/.exec(line);
    if (match === null) throw new CliError(`${list}:${i + 1}`, 'expected "speaker path"');
    return [{ speaker: match[1], file: path.resolve(base, match[2]) }];
  });
}

function byFolder(input: string): SpeakerFile[] {
  if (!isDirectory(input)) return [{ speaker: path.basename(path.dirname(path.resolve(input))), file: input }];
  const entries = readdirSync(input, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  const own = entries.filter((e) => !e.isDirectory() && H5.test(e.name)).map((e) => ({ speaker: path.basename(path.resolve(input)), file: path.join(input, e.name) }));
  const nested = entries
    .filter((e) => e.isDirectory())
    .flatMap((e) => readdirSync(path.join(input, e.name)).filter((f) => H5.test(f)).sort().map((f) => ({ speaker: e.name, file: path.join(input, e.name, f) })));
  if (own.length + nested.length === 0) throw new CliError(input, 'holds no .h5 files (nor do its folders)');
  return [...own, ...nested];
}

/** The speakers in the order the machines group them (sorted), each with its files. */
export function bySpeaker(files: SpeakerFile[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const id of [...new Set(files.map((f) => f.speaker))].sort()) out.set(id, files.filter((f) => f.speaker === id).map((f) => f.file));
  return out;
}
