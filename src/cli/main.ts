/**
 * The `discrete-gans` executable: one commander program, one file per subcommand in this folder.
 *
 * Owns: dispatch, `--help`, and turning user errors (UserError, SpecError, commander's own)
 * into one sentence on stderr and a non-zero exit. Each command file exports
 * `register(program)` and does argument parsing only, delegating the work to src/<area>.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { UserError } from '../util/errors.js';
import { SpecError } from '../util/named-spec.js';
import { canonicalFlagSpellings } from './flags.js';

type Register = (program: Command) => void;

/** Subcommand modules, in the order `--help` lists them. */
const commands: Array<() => Promise<{ register: Register }>> = [
  // Each entry: () => import('./<command>.js')
  () => import('./make-squares.js'),
  () => import('./mnist-to-png.js'),
  () => import('./train.js'),
  () => import('./demo.js'),
  () => import('./ot-means.js'),
  () => import('./metrics.js'),
];

/** commander's messages as one line: no `error:` prefix, its "(Did you mean …?)" joined on. */
function oneLine(message: string): string {
  return message.replace(/^error: /, '').replace(/\s*\n\s*\(Did you mean/g, ' (did you mean')
    .replace(/\. Expected (\d+) arguments? but got (\d+)\.\s*$/, ' (expected $1, got $2)').trim();
}

/** Only the module of the command named by `first` (src/cli/<name>.ts, one file per command),
 *  so `discrete-gans metrics` does not load training's modules (~0.8 s of start-up). */
async function singleCommand(program: Command, first: string): Promise<boolean> {
  if (!/^[a-z][a-z0-9-]*$/.test(first)) return false;
  let mod: { register?: Register };
  try { mod = (await import(`./${first}.js`)) as { register?: Register }; } catch { return false; }
  if (typeof mod.register !== 'function') return false;
  mod.register(program);
  return program.commands.some((c) => c.name() === first);
}

export async function buildProgram(first?: string): Promise<Command> {
  if (first !== undefined) {
    const one = newProgram();
    if (await singleCommand(one, first)) return one;
  }
  const program = newProgram();
  for (const load of commands) (await load()).register(program);
  return program;
}

/** The package's version, from its package.json (dist/src/cli/ → the package root). */
function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: string }).version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function newProgram(): Command {
  return new Command('discrete-gans')
    .version(packageVersion(), '-V, --version', 'print the version and exit')
    .description('Wasserstein GANs with discrete generators, and exact optimal transport between image sets')
    .showHelpAfterError(false)
    .configureOutput({ outputError: (str, write) => write(`discrete-gans: ${oneLine(str)}\n`) })
    .addHelpText('after', '\nFlags use the reference spellings (--data_path); hyphenated spellings (--data-path) are accepted too.')
    .exitOverride();
}

export function reportError(err: unknown): number {
  if (err instanceof CommanderError) {
    // commander already printed its message (or help); help/version exit 0, and its usage
    // errors (unknown option, missing value) exit 2 like every other bad input.
    return err.exitCode === 0 ? 0 : 2;
  }
  if (err instanceof UserError || err instanceof SpecError) {
    process.stderr.write(`discrete-gans: ${err.message}\n`);
    return 2;
  }
  process.stderr.write(`discrete-gans: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}

/** A reader that went away (`discrete-gans train … | head`) ends that stream's output, not
 *  the run: later writes to it are dropped instead of failing the process with EPIPE. */
function dropOutputOnClosedPipe(): void {
  for (const stream of [process.stdout, process.stderr]) {
    stream.on('error', (err: NodeJS.ErrnoException) => {
      if (err.code !== 'EPIPE') throw err;
      stream.write = ((..._args: unknown[]) => true) as typeof stream.write;
    });
  }
}

export async function main(argv: string[]): Promise<void> {
  dropOutputOnClosedPipe();
  try {
    const program = await buildProgram(argv[0]);
    await program.parseAsync(canonicalFlagSpellings(argv, program), { from: 'user' });
  } catch (err) {
    process.exitCode = reportError(err);
  }
}
