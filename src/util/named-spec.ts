/**
 * The `Name-key=value-key=value` strings that name architectures, losses and metrics
 * (SPEC §1.1): `FC-nf=1024`, `CNN-GAP=False-depth=4-k=5`, `MiniBatchLoss-dist=w1-epsilon=0.1`.
 *
 * Owns: splitting such a string, and checking its keys and value types against a schema the
 * caller supplies, with errors that name the whole string. Knows nothing of what the names mean.
 */

export type SpecValue = number | boolean | string;
export type SpecKind = 'int' | 'float' | 'bool' | 'string';

export interface ParsedSpec {
  readonly text: string;
  readonly name: string;
  /** Raw `key=value` pairs in the order written. */
  readonly raw: ReadonlyMap<string, string>;
}

export class SpecError extends Error {}

/** Split `Name-k=v-k=v`. Values may themselves contain `=`-free text; negative numbers are not
 *  expressible (a `-` always starts a new piece), as in the reference. */
export function parseSpec(text: string): ParsedSpec {
  if (typeof text !== 'string' || text.trim() === '') throw new SpecError('an empty name was given where a Name-key=value string was expected');
  const pieces = text.split('-');
  const name = pieces[0];
  if (name === '' || name.includes('=')) throw new SpecError(`"${text}" must start with a name before any key=value piece`);
  const raw = new Map<string, string>();
  for (const [k, piece] of pieces.slice(1).entries()) {
    const eq = piece.indexOf('=');
    if (eq <= 0 || eq === piece.length - 1) {
      // "epsilon=-1" splits into "epsilon=" and "1"; "epsilon=1e-3" into "epsilon=1e" and "3".
      const split = eq === piece.length - 1 || (eq < 0 && /^[\d.]/.test(piece) && /e$/i.test(pieces[k]));
      throw new SpecError(`"${text}": the piece "${piece}" is not of the form key=value` +
        (split ? ' (a "-" starts a new piece, so a value cannot be negative or use an exponent such as 1e-3: write 0.001)' : ''));
    }
    const key = piece.slice(0, eq);
    if (raw.has(key)) throw new SpecError(`"${text}": the key "${key}" is given twice`);
    raw.set(key, piece.slice(eq + 1));
  }
  return { text, name, raw };
}

function convert(text: string, key: string, value: string, kind: SpecKind): SpecValue {
  switch (kind) {
    case 'int': {
      if (!/^[+]?\d+$/.test(value)) throw new SpecError(`"${text}": ${key} must be an integer, got "${value}"`);
      return Number(value);
    }
    case 'float': {
      const v = Number(value);
      if (value.trim() === '' || !Number.isFinite(v)) throw new SpecError(`"${text}": ${key} must be a number, got "${value}"`);
      return v;
    }
    case 'bool': {
      const l = value.toLowerCase();
      if (l === 'true' || l === '1') return true;
      if (l === 'false' || l === '0') return false;
      throw new SpecError(`"${text}": ${key} must be True or False, got "${value}"`);
    }
    case 'string':
      return value;
  }
}

/**
 * Resolve a parsed spec's keys against `schema` (key → kind and default). Unknown keys and
 * values of the wrong type are errors naming the string; missing keys take their defaults.
 * `choices` optionally restricts string values.
 */
export function resolveSpec<S extends Record<string, SpecValue>>(
  spec: ParsedSpec,
  defaults: S,
  kinds: { [K in keyof S]: SpecKind },
  choices: Partial<{ [K in keyof S]: readonly string[] }> = {},
): S {
  const out: Record<string, SpecValue> = { ...defaults };
  for (const [key, value] of spec.raw) {
    if (!(key in kinds)) {
      const known = Object.keys(kinds);
      throw new SpecError(`"${spec.text}": unknown key "${key}" for ${spec.name}` + (known.length ? ` (known: ${known.join(', ')})` : ' (it takes no keys)'));
    }
    const v = convert(spec.text, key, value, kinds[key as keyof S]);
    const allowed = choices[key as keyof S];
    if (allowed && !allowed.includes(String(v))) throw new SpecError(`"${spec.text}": ${key} must be one of ${allowed.join(', ')}, got "${value}"`);
    out[key] = v;
  }
  return out as S;
}
