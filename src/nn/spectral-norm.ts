/**
 * Spectral normalisation as `torch.nn.utils.spectral_norm` (SPEC §4): the layer's weight W is
 * replaced by W / σ(W), computed as the layer's output without bias divided by σ, plus the
 * bias (no weight-sized copy per pass). The original weight stays the trained parameter, renamed
 * `weight_orig`; two persistent buffers `weight_u` (length rows) and `weight_v` (length cols)
 * hold the power-iteration vectors, W being viewed as a rows × cols matrix along dim 0 (dim 1
 * for transposed convolutions, whose weight is in × out × k × k). Each forward pass in
 * training mode first runs one power iteration (v ← normalise(Wᵀu), u ← normalise(Wv), with
 * normalise(x) = x / max(‖x‖, 1e-12)); evaluation mode runs none. σ = uᵀWv with u and v
 * constants, so gradients (of any order) flow through W only.
 * u and v start as normalised N(0, I) draws from the given Rng (u first), as PyTorch does.
 *
 * `spectralNorm(layer, rng)` normalises one Linear / Conv2d / ConvTranspose2d in place;
 * `applySpectralNorm(module, rng)` every Linear and Conv2d of a network (the
 * `--spectral_normalization` flag), skipping layers that already are.
 * Knows nothing of GANs or training loops.
 */
import * as E from '../engine/index.js';
import type { Rng, Tensor } from '../engine/index.js';
import { Conv2d, ConvTranspose2d, Linear } from './layers.js';
import type { Module } from './module.js';

export const SPECTRAL_NORM_EPS = 1e-12;

type Layer = Linear | Conv2d | ConvTranspose2d;

function normalizeInPlace(a: Float32Array | Float64Array): void {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i];
  const inv = 1 / Math.max(Math.sqrt(s), SPECTRAL_NORM_EPS);
  for (let i = 0; i < a.length; i++) a[i] *= inv;
}

/** The state spectral normalisation adds to a layer. */
export class SpectralNorm {
  readonly rows: number;
  readonly cols: number;
  constructor(readonly layer: Layer, readonly weightOrig: Tensor, readonly u: Tensor, readonly v: Tensor, readonly dim: 0 | 1) {
    const s = weightOrig.shape;
    this.rows = s[dim];
    this.cols = weightOrig.size / this.rows;
  }

  /** W as a rows × cols matrix (differentiable). */
  private matrix(): Tensor {
    const w = this.weightOrig;
    const m = this.dim === 0 ? w : E.permute(w, [1, 0, ...w.shape.slice(2).map((_, i) => i + 2)]);
    return E.reshape(m, [this.rows, this.cols]);
  }

  /** One power iteration on the buffers (no graph). */
  powerIteration(mat: Tensor): void {
    E.noGrad(() => {
      const m = mat.detach();
      const v = E.matmul(m, E.reshape(this.u, [this.rows, 1]), true); // Wᵀu: cols × 1
      const vd = Float64Array.from(v.data);
      normalizeInPlace(vd);
      this.v.data.set(vd);
      const u = E.matmul(m, E.reshape(this.v, [this.cols, 1])); // Wv: rows × 1
      const ud = Float64Array.from(u.data);
      normalizeInPlace(ud);
      this.u.data.set(ud);
    });
  }

  /** σ = uᵀWv for this forward pass (a power iteration first when `training`), differentiable
   *  in W with u and v constants. */
  sigmaTensor(training: boolean): Tensor {
    const mat = this.matrix();
    if (training) this.powerIteration(mat);
    const u = E.reshape(E.clone(this.u), [1, this.rows]);
    const v = E.reshape(E.clone(this.v), [this.cols, 1]);
    return E.reshape(E.matmul(E.matmul(u, mat), v), []);
  }

  /** W / σ for this forward pass (a power iteration first when `training`). */
  weight(training: boolean): Tensor {
    return E.div(this.weightOrig, this.sigmaTensor(training));
  }

  /** The current σ = uᵀWv (no power iteration), for inspection. */
  sigma(): number {
    return E.noGrad(() => E.matmul(E.matmul(E.reshape(this.u, [1, this.rows]), this.matrix()), E.reshape(this.v, [this.cols, 1])).item());
  }
}

const normalized = new WeakMap<Module, SpectralNorm>();

/** The spectral-normalisation state of a layer, or undefined. */
export function spectralNormOf(layer: Module): SpectralNorm | undefined {
  return normalized.get(layer);
}

/** Normalise one layer in place (its `weight` becomes `weight_orig` plus `weight_u`/`weight_v`
 *  buffers, PyTorch's names and order). Returns the layer. */
export function spectralNorm<L extends Layer>(layer: L, rng: Rng): L {
  if (normalized.has(layer)) throw new Error('spectralNorm: this layer is already spectrally normalised');
  const dim: 0 | 1 = layer instanceof ConvTranspose2d ? 1 : 0;
  const w = layer.detachParameter('weight');
  layer.adoptParameter('weight_orig', w);
  const rows = w.shape[dim], cols = w.size / rows;
  const u = E.zeros([rows], w.dtype), v = E.zeros([cols], w.dtype);
  rng.fillNormal(u.data);
  normalizeInPlace(u.data);
  rng.fillNormal(v.data);
  normalizeInPlace(v.data);
  layer.adoptBuffer('weight_u', u);
  layer.adoptBuffer('weight_v', v);
  const sn = new SpectralNorm(layer, w, u, v, dim);
  normalized.set(layer, sn);
  const base = Object.getPrototypeOf(layer).forward as (this: L, x: Tensor) => Tensor;
  // layer(x; W/σ) = layer(x; W, no bias)/σ + bias: the graph then holds an output-sized tensor
  // instead of a copy of W per forward pass (W is large next to the activations of a critic's
  // deep layers; FastGAN's memory depends on it).
  const mutable = layer as unknown as { weight: Tensor; bias: Tensor | null };
  const bias = layer.bias;
  const biasShape = layer instanceof Linear ? [bias?.size ?? 0] : [1, bias?.size ?? 0, 1, 1];
  mutable.weight = w;
  layer.forward = (x: Tensor): Tensor => {
    const sigma = sn.sigmaTensor(layer.training);
    mutable.bias = null;
    let y: Tensor;
    try { y = base.call(layer, x); } finally { mutable.bias = bias; }
    y = E.div(y, sigma);
    return bias ? E.add(y, E.reshape(bias, biasShape)) : y;
  };
  return layer;
}

/** Spectrally normalise every Linear and Conv2d of `module` that is not already (the
 *  `--spectral_normalization` flag). Build the optimiser afterwards or before: the trained
 *  tensors are the same objects. Returns how many layers it wrapped. */
export function applySpectralNorm(module: Module, rng: Rng): number {
  let count = 0;
  for (const [, m] of module.namedModules()) {
    if ((m instanceof Linear || m instanceof Conv2d) && !normalized.has(m)) {
      spectralNorm(m, rng);
      count++;
    }
  }
  return count;
}
