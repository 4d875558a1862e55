/**
 * The loss registry: `--loss_function` strings (SPEC §5, `Name-key=value` syntax) to GanLoss
 * objects.
 *
 * Owns: the table of available losses and the sentence for those a later issue will add.
 * To add a loss, write its module in this folder and add one `registerLoss` line below (or
 * call `registerLoss` from elsewhere before parsing). Knows nothing of training.
 */
import { parseSpec, resolveSpec, type ParsedSpec } from '../util/named-spec.js';
import { UserError } from '../util/errors.js';
import type { GanLoss } from './types.js';
import { WGANLoss } from './wgan.js';
import { NonSaturatingGANLoss, SoftHingeLoss } from './gan-losses.js';
import { MiniBatchDistanceLoss } from './minibatch-losses.js';

export type LossFactory = (spec: ParsedSpec) => GanLoss;

const factories = new Map<string, LossFactory>();

/** Names the reference knows that this build does not implement yet. */
const NOT_YET = new Set(['NonSaturatingGANLoss', 'SoftHingeLoss', 'MiniBatchLoss', 'MiniBatchPatchLoss', 'MiniBatchLocalPatchLoss']);

export function registerLoss(name: string, factory: LossFactory): void {
  factories.set(name, factory);
  NOT_YET.delete(name);
}

export function availableLosses(): string[] {
  return [...factories.keys()];
}

/** Parse a `--loss_function` string; unknown or not-yet-available names are UserErrors. */
export function buildLoss(text: string): GanLoss {
  const spec = parseSpec(text);
  const factory = factories.get(spec.name);
  if (!factory) {
    if (NOT_YET.has(spec.name)) {
      throw new UserError(`--loss_function ${text}: ${spec.name} is not available yet (a later issue adds it); available now: ${availableLosses().join(', ')}`);
    }
    throw new UserError(`--loss_function ${text}: unknown loss "${spec.name}" (available: ${availableLosses().join(', ')})`);
  }
  return factory(spec);
}

registerLoss('WGANLoss', (spec) => {
  resolveSpec(spec, {}, {});
  return new WGANLoss(spec.text);
});

registerLoss('NonSaturatingGANLoss', (spec) => {
  resolveSpec(spec, {}, {});
  return new NonSaturatingGANLoss(spec.text);
});
registerLoss('SoftHingeLoss', (spec) => {
  resolveSpec(spec, {}, {});
  return new SoftHingeLoss(spec.text);
});
for (const name of ['MiniBatchLoss', 'MiniBatchPatchLoss', 'MiniBatchLocalPatchLoss']) {
  registerLoss(name, (spec) => new MiniBatchDistanceLoss(spec.text));
}
