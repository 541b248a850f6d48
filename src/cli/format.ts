/** Results on stdout: an aligned table, CSV, or one JSON document (and nothing else on stdout). */

export const FORMATS = ['table', 'json', 'csv'] as const;
export type Format = (typeof FORMATS)[number];

export type Cell = string | number | boolean | null;

/** A command's answer: `json` for --format json; `columns`/`rows` for table and csv. */
export interface Result {
  json: unknown;
  columns: string[];
  rows: Cell[][];
  /** Table format only: print the single row as "name  value" lines. */
  vertical?: boolean;
}

export function render(result: Result, format: Format): string {
  if (format === 'json') return `${JSON.stringify(result.json, null, 2)}\n`;
  if (format === 'csv') return [result.columns, ...result.rows].map((r) => r.map(csvCell).join(',')).join('\n') + '\n';
  if (result.vertical) return alignRows(result.columns.map((name, i) => [name, text(result.rows[0]?.[i] ?? null)]));
  return alignRows([result.columns, ...result.rows.map((r) => r.map(text))]);
}

function alignRows(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]))).join('  ')).join('\n') + '\n';
}

function text(cell: Cell): string {
  if (cell === null) return '-';
  if (typeof cell === 'number') return String(+cell.toPrecision(10));
  return String(cell);
}

function csvCell(cell: Cell): string {
  if (cell === null) return '';
  const s = String(cell);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
