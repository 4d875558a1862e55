/**
 * The mini-batch distance losses of SPEC §5 as generator objectives without a critic:
 * `MiniBatchLoss-dist=<metric>[-key=value…]`, `MiniBatchPatchLoss-dist=…-p=P-s=S` and
 * `MiniBatchLocalPatchLoss-dist=…-p=P-s=S`. The generator minimises metric(fake, real) computed
 * by src/ot (parseMetric). The distance enters the graph as one engine op whose backward
 * multiplies the incoming (scalar) gradient by the metric's gradient with respect to the fakes,
 * held constant: first order only, which is all a generator objective needs (the optimal plan,
 * the projections and the sort order are fixed at the values of the forward pass).
 *
 * The logged scalar is named after the distance (SPEC §8): `W1-L2` for w1 (`Sinkhorn-L2` with
 * epsilon > 0), `SWD` for swd, `full_dim_SWD` for full_dim_swd.
 *
 * Owns: the op and the names. Knows nothing of transport algorithms or training.
 */
import { Tensor, tensor, record, mul, reshape, scalar } from '../engine/index.js';
import { parseMetric, type Metric } from '../ot/metrics.js';
import { SpecError } from '../util/named-spec.js';
import type { Rng } from '../engine/random.js';
import type { GanLoss, GeneratorLossInput, LossOutput } from './types.js';

/** The logged name of a metric's value. */
export function distanceScalarName(metric: Metric): string {
  switch (metric.dist) {
    case 'w1': return (metric.params.epsilon as number) > 0 ? 'Sinkhorn-L2' : 'W1-L2';
    case 'swd': return 'SWD';
    case 'full_dim_swd': return 'full_dim_SWD';
    default: return metric.dist;
  }
}

function asFloat32(t: Tensor): Float32Array {
  return t.data instanceof Float32Array ? t.data : Float32Array.from(t.data);
}

/**
 * metric(fake, real) as a one-element tensor whose gradient with respect to `fake` (NCHW) is
 * the metric's gradient (first order). `real` is a constant.
 */
export function distanceLoss(metric: Metric, fake: Tensor, real: Tensor, rng: Rng): Tensor {
  if (fake.ndim !== 4 || real.ndim !== 4) throw new Error(`${metric.text}: needs NCHW image batches, got [${fake.shape}] and [${real.shape}]`);
  const [n, c, h, w] = fake.shape;
  const [m, rc, rh, rw] = real.shape;
  if (rc !== c || rh !== h || rw !== w) throw new Error(`${metric.text}: fake images [${fake.shape}] and real images [${real.shape}] differ in size`);
  const shape = { n, m, c, h, w };
  const x = asFloat32(fake), y = asFloat32(real);
  if (!fake.requiresGrad) return scalar(metric.evaluate(x, y, shape, rng), fake.dtype);
  const { value, gradX } = metric.evaluateWithGradient(x, y, shape, rng);
  const out = scalar(value, fake.dtype);
  const g = tensor(gradX, fake.shape, fake.dtype);
  return record(out, `distance(${metric.text})`, [fake], (gOut) => [mul(g, reshape(gOut, [1, 1, 1, 1]))]);
}

/** A mini-batch loss: no critic; the generator minimises the distance of its batch to the
 *  real batch. */
export class MiniBatchDistanceLoss implements GanLoss {
  readonly needsCritic = false;
  readonly metric: Metric;
  readonly scalarName: string;
  constructor(readonly text: string) {
    this.metric = parseMetric(text);
    if (!this.metric.differentiable) {
      throw new SpecError(`--loss_function ${text}: ${this.metric.dist} has no gradient; as a loss use w1, swd or full_dim_swd (the others are evaluation metrics)`);
    }
    this.scalarName = distanceScalarName(this.metric);
  }

  criticLoss(): LossOutput {
    throw new Error(`${this.text} trains without a critic (it needs --D_step_every -1)`);
  }

  generatorLoss({ real, fake, rng }: GeneratorLossInput): LossOutput {
    const loss = distanceLoss(this.metric, fake, real, rng);
    return { loss, scalars: { [this.scalarName]: loss.item() } };
  }
}
