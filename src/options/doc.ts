/** docs/options.md, generated from the option tables (scripts/options-doc.mjs writes it; a test keeps it current). */
import { FIT_OPTIONS, GMM_OPTIONS, KMEANS_OPTIONS, MAX_GAUSSIANS } from './gmmOptions.js';
import type { OptionTable } from './table.js';

function table(title: string, intro: string, options: OptionTable): string {
  const rows = Object.entries(options).map(([name, o]) => {
    const value = o.default === undefined ? (o.defaultText ?? '') : `\`${JSON.stringify(o.default)}\``;
    const cell = (text: string) => text.replace(/\|/g, '\\|');
    return `| \`${name}\` | ${cell(o.expected)} | ${cell(value)} | ${cell(o.text)} |`;
  });
  return [`## ${title}`, '', intro, '', '| option | takes | default | what it does |', '|---|---|---|---|', ...rows, ''].join('\n');
}

export function optionsMarkdown(): string {
  return [
    '# Options',
    '',
    'Generated from `src/options/gmmOptions.ts` by `node scripts/options-doc.mjs`; do not edit by hand.',
    'An unknown option name, or a value of the wrong type or range, is an `INVALID_ARGUMENT` error naming',
    "the option and what it takes. The settings stay public fields of the machine, checked again when a fit starts.",
    '',
    table('GMMMachine', `\`new GMMMachine(nGaussians, options)\`; \`nGaussians\` is an integer in [1, ${MAX_GAUSSIANS}].`, GMM_OPTIONS),
    table('GMMMachine.fit and fitShards', '`machine.fit(data, options)`.', FIT_OPTIONS),
    table('KMeansMachine', `\`new KMeansMachine(nClusters, options)\` (at most ${MAX_GAUSSIANS} clusters); \`fit(data, { signal })\`.`, KMEANS_OPTIONS),
  ].join('\n');
}
