/**
 * Module: the PyTorch-style building block. A module owns named parameters (leaf tensors that
 * require gradients), named buffers (state that is saved but not trained, e.g. running means)
 * and named submodules; `stateDict()` flattens them to PyTorch's dotted names
 * (`main.0.weight`) in PyTorch's order (own parameters, own buffers, then each child).
 * Also: train/eval mode, and Sequential (children named "0", "1", ...).
 * Knows nothing of GANs or of training loops.
 */
import { Tensor, shapeStr, type DType } from '../engine/index.js';

export abstract class Module {
  /** Training mode (batch statistics, noise, power iterations) vs evaluation mode. */
  training = true;
  private readonly ownParams = new Map<string, Tensor>();
  private readonly ownBuffers = new Map<string, Tensor>();
  private readonly children = new Map<string, Module>();

  abstract forward(x: Tensor): Tensor;

  protected registerParameter(name: string, t: Tensor): Tensor {
    this.checkName(name);
    t.requireGrad(true);
    this.ownParams.set(name, t);
    return t;
  }

  protected registerBuffer(name: string, t: Tensor): Tensor {
    this.checkName(name);
    this.ownBuffers.set(name, t);
    return t;
  }

  protected registerModule<M extends Module>(name: string, m: M): M {
    this.checkName(name);
    this.children.set(name, m);
    return m;
  }

  private checkName(name: string): void {
    if (name === '' || name.includes('.')) throw new Error(`invalid parameter/module name "${name}"`);
    if (this.ownParams.has(name) || this.ownBuffers.has(name) || this.children.has(name)) throw new Error(`"${name}" is registered twice`);
  }

  /** Reparametrisations (spectral normalisation): take parameter `name` out of this module and
   *  return it; its replacement is registered with `adoptParameter` / `adoptBuffer`, appended
   *  after the existing ones as PyTorch does. */
  detachParameter(name: string): Tensor {
    const t = this.ownParams.get(name);
    if (!t) throw new Error(`detachParameter: no parameter "${name}"`);
    this.ownParams.delete(name);
    return t;
  }
  adoptParameter(name: string, t: Tensor): Tensor { return this.registerParameter(name, t); }
  adoptBuffer(name: string, t: Tensor): Tensor { return this.registerBuffer(name, t); }

  /** Direct submodules with their names. */
  namedChildren(): Array<[string, Module]> { return [...this.children]; }

  /** Every module of the tree (this one first, named ''), depth first. */
  namedModules(prefix = ''): Array<[string, Module]> {
    const out: Array<[string, Module]> = [[prefix, this]];
    for (const [n, m] of this.children) out.push(...m.namedModules(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  namedParameters(prefix = ''): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [n, p] of this.ownParams) out.push([prefix ? `${prefix}.${n}` : n, p]);
    for (const [n, m] of this.children) out.push(...m.namedParameters(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  parameters(): Tensor[] { return this.namedParameters().map(([, p]) => p); }

  namedBuffers(prefix = ''): Array<[string, Tensor]> {
    const out: Array<[string, Tensor]> = [];
    for (const [n, b] of this.ownBuffers) out.push([prefix ? `${prefix}.${n}` : n, b]);
    for (const [n, m] of this.children) out.push(...m.namedBuffers(prefix ? `${prefix}.${n}` : n));
    return out;
  }

  /** Parameters and buffers under PyTorch's dotted names, in PyTorch's order. The tensors are
   *  the live ones (not copies). */
  stateDict(prefix = ''): Map<string, Tensor> {
    const out = new Map<string, Tensor>();
    for (const [n, p] of this.ownParams) out.set(prefix ? `${prefix}.${n}` : n, p);
    for (const [n, b] of this.ownBuffers) out.set(prefix ? `${prefix}.${n}` : n, b);
    for (const [n, m] of this.children) for (const [k, v] of m.stateDict(prefix ? `${prefix}.${n}` : n)) out.set(k, v);
    return out;
  }

  /** Copy values into this module's parameters and buffers (in place). Every name must match
   *  and every shape agree; the error names the first difference. Values may be tensors or
   *  flat arrays. */
  loadStateDict(state: ReadonlyMap<string, Tensor | ArrayLike<number>> | Record<string, Tensor | ArrayLike<number>>): void {
    const entries = state instanceof Map ? state : new Map(Object.entries(state));
    const mine = this.stateDict();
    for (const k of entries.keys()) if (!mine.has(k)) throw new Error(`loadStateDict: unexpected key "${k}" (expected: ${[...mine.keys()].join(', ')})`);
    for (const [k, t] of mine) {
      const v = entries.get(k);
      if (v === undefined) throw new Error(`loadStateDict: missing key "${k}"`);
      if (v instanceof Tensor) {
        if (v.size !== t.size || (v.ndim > 0 && v.shape.join() !== t.shape.join())) throw new Error(`loadStateDict: "${k}" has shape ${shapeStr(v.shape)}, expected ${shapeStr(t.shape)}`);
        t.data.set(v.data);
      } else {
        if (v.length !== t.size) throw new Error(`loadStateDict: "${k}" has ${v.length} values, expected ${t.size} (shape ${shapeStr(t.shape)})`);
        t.data.set(v);
      }
    }
  }

  /** Set training mode on this module and every submodule. */
  train(mode = true): this {
    for (const [, m] of this.namedModules()) m.training = mode;
    return this;
  }

  eval(): this { return this.train(false); }

  /** Forget accumulated `.grad` of every parameter. */
  zeroGrad(): void { for (const p of this.parameters()) p.grad = null; }

  /** dtype of the first parameter (float32 if none). */
  get dtype(): DType {
    const p = this.parameters()[0];
    return p ? p.dtype : 'float32';
  }
}

/** Modules applied in order; children are named "0", "1", ... as in torch.nn.Sequential. */
export class Sequential extends Module {
  readonly layers: Module[];
  constructor(layers: Module[]) {
    super();
    this.layers = layers;
    layers.forEach((m, i) => this.registerModule(String(i), m));
  }
  forward(x: Tensor): Tensor {
    let y = x;
    for (const m of this.layers) y = m.forward(y);
    return y;
  }
}
