/**
 * Flag helpers shared by the command files: the reference's spellings (`--data_path`,
 * `--D_step_every`; commander keeps them as the option keys), hyphenated aliases (`--data-path`
 * is rewritten to `--data_path` before parsing when the command knows the underscore form),
 * argparse-style `nargs='*'` lists, and value parsers that throw a UserError naming the flag.
 *
 * Owns: spelling and value syntax of flags. Knows nothing of what the flags do.
 */
import type { Command } from 'commander';
import { UserError } from '../util/errors.js';

/** A commander value parser for `--flag`: parse(text, previous) → value. */
export type FlagParser<T> = (value: string, previous?: T) => T;

export function positiveInt(flag: string): FlagParser<number> {
  return (value) => {
    const v = Number(value);
    if (!/^\s*[+]?\d+\s*$/.test(value) || !Number.isSafeInteger(v) || v <= 0) throw new UserError(`${flag} must be a positive integer, got "${value}"`);
    return v;
  };
}

export function nonNegativeInt(flag: string): FlagParser<number> {
  return (value) => {
    const v = Number(value);
    if (!/^\s*[+]?\d+\s*$/.test(value) || !Number.isSafeInteger(v)) throw new UserError(`${flag} must be a non-negative integer, got "${value}"`);
    return v;
  };
}

/** Any integer (e.g. `--D_step_every -1`). */
export function integer(flag: string): FlagParser<number> {
  return (value) => {
    const v = Number(value);
    if (!/^\s*[+-]?\d+\s*$/.test(value) || !Number.isSafeInteger(v)) throw new UserError(`${flag} must be an integer, got "${value}"`);
    return v;
  };
}

export function finiteFloat(flag: string): FlagParser<number> {
  return (value) => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v)) throw new UserError(`${flag} must be a number, got "${value}"`);
    return v;
  };
}

export function positiveFloat(flag: string): FlagParser<number> {
  return (value) => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v) || v <= 0) throw new UserError(`${flag} must be a positive number, got "${value}"`);
    return v;
  };
}

export function nonNegativeFloat(flag: string): FlagParser<number> {
  return (value) => {
    const v = Number(value);
    if (value.trim() === '' || !Number.isFinite(v) || v < 0) throw new UserError(`${flag} must be a non-negative number, got "${value}"`);
    return v;
  };
}

/** A byte value 0..255, or an `R,G,B` triple of them (for colours). */
export function colour(flag: string): FlagParser<[number, number, number]> {
  return (value) => {
    const parts = value.split(',').map((p) => p.trim());
    const ok = (p: string): boolean => /^\d+$/.test(p) && Number(p) <= 255;
    if ((parts.length !== 1 && parts.length !== 3) || !parts.every(ok)) {
      throw new UserError(`${flag} must be a grey level 0..255 or an R,G,B triple of them, got "${value}"`);
    }
    const n = parts.map(Number);
    return n.length === 1 ? [n[0], n[0], n[0]] : [n[0], n[1], n[2]];
  };
}

export function choice<T extends string>(flag: string, choices: readonly T[]): FlagParser<T> {
  return (value) => {
    if (!choices.includes(value as T)) throw new UserError(`${flag} must be one of ${choices.join(', ')}, got "${value}"`);
    return value as T;
  };
}

/**
 * The value of an argparse `nargs='*'` flag declared as `--name [values...]`: absent → the
 * default, the flag alone → [] (commander gives `true`), else the values given.
 */
export function listValue(raw: unknown, defaults: readonly string[]): string[] {
  if (raw === undefined) return [...defaults];
  if (raw === true) return [];
  if (Array.isArray(raw)) return raw.map(String);
  return [String(raw)];
}

/** Long option names a command declares, without the leading dashes. */
function longNames(cmd: Command): Set<string> {
  const out = new Set<string>();
  for (const o of cmd.options) if (o.long) out.add(o.long.replace(/^--/, ''));
  return out;
}

/**
 * Rewrite hyphenated spellings of underscore flags (`--data-path x`, `--data-path=x`) to the
 * declared underscore spelling, for the subcommand named first in `argv`. Tokens after `--`
 * and values are left alone.
 */
export function canonicalFlagSpellings(argv: readonly string[], program: Command): string[] {
  const sub = program.commands.find((c) => c.name() === argv[0] || c.aliases().includes(argv[0] ?? ''));
  if (!sub) return [...argv];
  const known = longNames(sub);
  const out: string[] = [];
  let passthrough = false;
  for (const token of argv) {
    if (passthrough || !token.startsWith('--') || token === '--') {
      if (token === '--') passthrough = true;
      out.push(token);
      continue;
    }
    const eq = token.indexOf('=');
    const name = token.slice(2, eq < 0 ? undefined : eq);
    const underscored = name.replace(/-/g, '_');
    if (!known.has(name) && known.has(underscored)) out.push(`--${underscored}${eq < 0 ? '' : token.slice(eq)}`);
    else out.push(token);
  }
  return out;
}
