/**
 * Statistics files with their speakers, as the isv and jfa commands take them: from list files
 * (one "speaker path" per line, paths relative to the list's folder, # comments) or from folder
 * names (a file's speaker is its folder's name; a folder given stands for its .h5 files and
 * those of its sub-folders, one speaker per folder).
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { readSpeakerList, type SpeakerFile } from '../io/speakerList.js';
import { CliError, about } from './errors.js';
import { assertInputFile, isDirectory } from './files.js';


const H5 = /\.(h5|hdf5)$/i;

export async function speakerFiles(lists: string[], inputs: string[]): Promise<SpeakerFile[]> {
  const out = [...(await Promise.all(lists.map(listed))).flat(), ...inputs.flatMap(byFolder)];
  if (out.length === 0) throw new CliError('--stats', 'no statistics files given (--stats files or folders, or --list)');
  return out;
}

async function listed(list: string): Promise<SpeakerFile[]> {
  assertInputFile(list);
  return about(list, async () => readSpeakerList(list));
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
  const groups = new Map<string, string[]>();
  for (const { speaker, file } of files) {
    const own = groups.get(speaker);
    if (own === undefined) groups.set(speaker, [file]);
    else own.push(file);
  }
  return new Map([...groups].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
