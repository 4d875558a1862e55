/**
 * Adam with PyTorch's semantics (torch.optim.Adam, no weight decay, no amsgrad): bias
 * correction, eps added to sqrt(v̂). Defaults betas (0.5, 0.9) and eps 1e-8 as the paper's
 * runs use. State (step counts and moment estimates) can be exported and restored exactly.
 * The update runs through the kernel seam (`adam`). Knows nothing of GANs.
 */
import { getKernels, noGrad, type FloatArray, type Tensor } from '../engine/index.js';

export interface AdamOptions {
  lr: number;
  betas?: readonly [number, number];
  eps?: number;
}

export interface AdamState {
  /** Steps taken per parameter (a parameter without a gradient does not step). */
  steps: number[];
  expAvg: FloatArray[];
  expAvgSq: FloatArray[];
}

export class Adam {
  readonly params: readonly Tensor[];
  lr: number;
  readonly betas: readonly [number, number];
  readonly eps: number;
  private steps: number[];
  private m: FloatArray[];
  private v: FloatArray[];

  constructor(params: readonly Tensor[], opts: AdamOptions) {
    // PyTorch's checks: a NaN or missing rate turned every parameter into NaN at the first step.
    if (!(Number.isFinite(opts?.lr) && opts.lr >= 0)) throw new RangeError(`Adam: lr must be a finite number ≥ 0, got ${opts?.lr}`);
    const betas = opts.betas ?? [0.5, 0.9];
    betas.forEach((b, i) => { if (!(b >= 0 && b < 1)) throw new RangeError(`Adam: betas[${i}] must be in [0, 1), got ${b}`); });
    if (opts.eps !== undefined && !(Number.isFinite(opts.eps) && opts.eps >= 0)) throw new RangeError(`Adam: eps must be a finite number ≥ 0, got ${opts.eps}`);
    this.params = [...params];
    this.lr = opts.lr;
    this.betas = betas;
    this.eps = opts.eps ?? 1e-8;
    const k = getKernels();
    this.steps = this.params.map(() => 0);
    this.m = this.params.map((p) => k.alloc(p.dtype, p.size));
    this.v = this.params.map((p) => k.alloc(p.dtype, p.size));
  }

  /** One update from `grads` (aligned with the parameters), or from each parameter's `.grad`.
   *  Parameters whose gradient is null are skipped, as PyTorch does. */
  step(grads?: readonly (Tensor | null)[]): void {
    if (grads && grads.length !== this.params.length) throw new Error(`Adam.step: ${grads.length} gradients for ${this.params.length} parameters`);
    const k = getKernels();
    const [b1, b2] = this.betas;
    noGrad(() => {
      this.params.forEach((p, i) => {
        const g = grads ? grads[i] : p.grad;
        if (!g) return;
        if (g.size !== p.size) throw new Error(`Adam.step: gradient of size ${g.size} for a parameter of size ${p.size}`);
        let gd = g.data;
        if (g.dtype !== p.dtype) { gd = k.alloc(p.dtype, g.size); gd.set(g.data); }
        const t = ++this.steps[i];
        k.adam(p.data, gd, this.m[i], this.v[i], this.lr, b1, b2, this.eps, 1 - Math.pow(b1, t), 1 - Math.pow(b2, t));
      });
    });
  }

  /** Forget every parameter's `.grad`. */
  zeroGrad(): void { for (const p of this.params) p.grad = null; }

  /** A copy of the optimiser state. */
  exportState(): AdamState {
    return { steps: [...this.steps], expAvg: this.m.map((a) => a.slice()), expAvgSq: this.v.map((a) => a.slice()) };
  }

  /** Restore a state from exportState (same parameter list and sizes). */
  importState(s: AdamState): void {
    if (s.steps.length !== this.params.length || s.expAvg.length !== this.params.length || s.expAvgSq.length !== this.params.length) {
      throw new Error(`Adam.importState: state for ${s.steps.length} parameters, optimiser has ${this.params.length}`);
    }
    this.params.forEach((p, i) => {
      if (s.expAvg[i].length !== p.size || s.expAvgSq[i].length !== p.size) throw new Error(`Adam.importState: parameter ${i} has ${p.size} values, state has ${s.expAvg[i].length}`);
      this.m[i].set(s.expAvg[i]);
      this.v[i].set(s.expAvgSq[i]);
    });
    this.steps = [...s.steps];
  }
}
