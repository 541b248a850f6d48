#!/usr/bin/env node
/** tfjs-em: the command line. Parses the command and its options, runs it, prints its result or one error line. */
import { rmSync } from 'node:fs';
import { Args } from './args.js';
import { closeBackend, selectBackend } from './backend.js';
import type { Command, Context } from './command.js';
import { CliError, INTERRUPTED, describe } from './errors.js';
import { stagingFolders } from './files.js';
import { FORMATS, render } from './format.js';
import { createProgress } from './progress.js';
import { runWithoutDawnNotes } from './quietDawn.js';
import { adapt } from './adapt.js';
import { demo } from './demo.js';
import { estimate } from './estimate.js';
import { info } from './info.js';
import { ivector } from './ivector.js';
import { isv, jfa } from './factorAnalysis.js';
import { kmeans } from './kmeans.js';
import { score } from './score.js';
import { stats } from './stats.js';
import { train } from './train.js';
import { worker } from './worker.js';
import { predict } from './predict.js';
import { sample } from './sample.js';
import { select } from './select.js';

const COMMANDS: Command[] = [demo, kmeans, train, adapt, stats, estimate, score, predict, sample, select, ivector, isv, jfa, info, worker];
const COMMON_OPTIONS = { quiet: 'flag', format: 'value', help: 'flag' } as const;
const COMMON_USAGE = `  --format F           table (default), json or csv; json prints one document on stdout
  --quiet, -q          no progress or information on stderr
  --help, -h           this text`;

function usage(): string {
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(8)} ${c.summary}`);
  return `Usage: tfjs-em <command> [options]

Gaussian mixture models (bob.learn.em semantics) on TensorFlow.js.

Commands:
${lines.join('\n')}

Run 'tfjs-em <command> --help' for a command's options. 'tfjs-em demo' runs a
synthetic speaker-verification task with no input files.
`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (command === undefined) throw new CliError(name, "unknown command (see tfjs-em --help)");
  const args = Args.parse(name, rest, { ...command.options, ...COMMON_OPTIONS });
  if (args.flag('help')) {
    process.stdout.write(`${command.usage}\n${COMMON_USAGE}\n`);
    return 0;
  }
  args.expectPositionals(command.positionals ?? 0);
  const format = args.choice('format', FORMATS) ?? 'table';
  const progress = createProgress(args.flag('quiet'));
  const context: Context = { progress, signal: interruptSignal((line) => progress.info(line)), backend: () => selectBackend(args.string('backend')) };
  try {
    const result = await command.run(args, context);
    process.stdout.write(render(result, format));
    return 0;
  } catch (error) {
    if (context.signal.aborted) throw new CliError(args.string('out') ?? name, 'interrupted; nothing was written', INTERRUPTED);
    throw error;
  } finally {
    progress.end();
  }
}

/**
 * Ctrl-C asks the running command to stop within its current pass over the data; a second Ctrl-C
 * quits at once (removing any half-written output folder).
 */
function interruptSignal(say: (line: string) => void): AbortSignal {
  const controller = new AbortController();
  process.on('SIGINT', () => {
    if (controller.signal.aborted) {
      for (const folder of stagingFolders) rmSync(folder, { recursive: true, force: true });
      process.exit(INTERRUPTED);
    }
    say('interrupted: stopping within the current pass (Ctrl-C again to quit now)');
    controller.abort();
  });
  return controller.signal;
}

function run(argv: string[]): Promise<void> {
  return main(argv)
    .then((code) => {
      process.exitCode = code;
    })
    .catch((error: unknown) => {
      process.stderr.write(`tfjs-em: ${describe(error)}\n`);
      process.exitCode = error instanceof CliError ? error.exitCode : 1;
    })
    .finally(() => closeBackend());
}

const argv = process.argv.slice(2);
const filtered = runWithoutDawnNotes(argv);
if (filtered === null) await run(argv);
else process.exitCode = await filtered;
