/**
 * Text matrices (.csv / .txt): one sample per line, values separated by commas or by
 * whitespace; lines end with LF, CRLF or CR. Blank lines and lines starting with '#' are skipped;
 * a first line holding no number at all is taken as a header (a first row with a single bad
 * value is a typo, reported, not dropped). nan / inf are read as such, so that the library
 * reports them.
 */
import type { HostArray2D } from '../../data/matrix.js';
import { dataError } from './fail.js';

const SPECIAL: Record<string, number> = { nan: NaN, inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity };

export function parseText(text: string, name: string): HostArray2D {
  const parser = new TextMatrixParser(name);
  parser.add(text.split(/\r\n|\r|\n/));
  return parser.finish();
}

/**
 * parseText over a text that arrives in pieces (a file read as a stream): add() the complete
 * lines of each piece in order, then finish(). Messages name lines as parseText does.
 */
export class TextMatrixParser {
  private readonly values: number[] = [];
  private width = -1;
  /** The line (from 1) of the first sample, for messages. */
  private first = 0;
  private headerSkipped = false;
  /** Lines seen so far. */
  private seen = 0;

  constructor(private readonly name: string) {}

  add(lines: string[]): void {
    const { name } = this;
    for (let l = 0; l < lines.length; l++) {
      const i = this.seen + l;
      const line = lines[l].trim();
      if (line === '' || line.startsWith('#')) continue;
      const fields = splitFields(line);
      const row = fields.map(toNumber);
      if (this.width < 0 && !this.headerSkipped && row.every((v) => v === undefined)) {
        this.headerSkipped = true; // a header line such as "f1,f2,f3"
        continue;
      }
      const bad = row.findIndex((v) => v === undefined);
      if (bad >= 0) throw dataError(name, `line ${i + 1}: ${quoted(fields[bad])} is not a number`, `line ${i + 1}: field ${bad + 1} is not a number`);
      if (this.width < 0) [this.width, this.first] = [row.length, i + 1];
      else if (row.length !== this.width) throw dataError(name, `line ${i + 1} has ${row.length} values, line ${this.first} has ${this.width}`);
      for (const v of row) this.values.push(v as number);
    }
    this.seen += lines.length;
  }

  finish(): HostArray2D {
    if (this.width < 0) throw dataError(this.name, 'holds no samples');
    return { data: Float64Array.from(this.values), shape: [this.values.length / this.width, this.width] };
  }
}

function splitFields(line: string): string[] {
  return line.includes(',') ? line.split(',').map((s) => s.trim()) : line.split(/\s+/);
}

function toNumber(field: string): number | undefined {
  const special = SPECIAL[field.toLowerCase()];
  if (special !== undefined) return special;
  if (field === '') return undefined;
  const v = Number(field);
  // Number() also reads "0x1f" and "Infinity"; only decimal notation is data here.
  return Number.isNaN(v) || /[xob]/i.test(field) ? undefined : v;
}

/** A field as shown in a message: quoted, at most 40 characters, control characters escaped. */
function quoted(field: string): string {
  return JSON.stringify(field.length > 40 ? `${field.slice(0, 40)}...` : field);
}
