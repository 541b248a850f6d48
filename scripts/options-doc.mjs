#!/usr/bin/env node
// Writes docs/options.md from the option tables (run after `npm run build`).
import { writeFileSync } from 'node:fs';
import { optionsMarkdown } from '../dist/src/options/doc.js';

writeFileSync(new URL('../docs/options.md', import.meta.url), optionsMarkdown());
console.log('wrote docs/options.md');
