/** docs/options.md is what the option tables generate (node scripts/options-doc.mjs after npm run build). */
import { readFileSync } from 'node:fs';
import { optionsMarkdown } from '../../src/options/doc.js';

test('docs/options.md is current', () => {
  expect(readFileSync('docs/options.md', 'utf8')).toBe(optionsMarkdown());
});

