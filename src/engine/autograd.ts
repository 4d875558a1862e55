/**
 * Reverse-mode automatic differentiation at tensor granularity, in the manner of micrograd:
 * each op records its inputs and a backward rule; `grad` sorts the graph topologically and
 * runs the rules from the outputs back.
 *
 * Owns: the grad-recording switch (`noGrad`, `isGradEnabled`), `record` (used by ops), and
 * `grad(outputs, inputs, {gradOutputs, createGraph})` like torch.autograd.grad. Backward rules
 * are written with differentiable engine ops, so with `createGraph: true` the returned
 * gradients are themselves part of a graph and can be differentiated again.
 * Knows nothing of individual ops beyond `add` (to accumulate) and of GANs.
 */
import type { Tensor } from './tensor.js';
import { add } from './ops/elementwise.js';
import { onesLike, zerosLike } from './ops/create.js';

/** A backward rule: given the gradient of the op's output, the gradients of its inputs.
 *  `needs[i]` says whether input i's gradient is wanted; return null where it is not. */
export type BackwardRule = (gradOutput: Tensor, needs: readonly boolean[]) => (Tensor | null)[];

export interface GradNode {
  readonly op: string;
  readonly inputs: readonly Tensor[];
  readonly backward: BackwardRule;
}

let gradEnabled = true;

export function isGradEnabled(): boolean { return gradEnabled; }

/** Run fn with gradient recording switched off (evaluation, optimiser updates). */
export function noGrad<T>(fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = false;
  try { return fn(); } finally { gradEnabled = prev; }
}

function withGrad<T>(enabled: boolean, fn: () => T): T {
  const prev = gradEnabled;
  gradEnabled = enabled;
  try { return fn(); } finally { gradEnabled = prev; }
}

/** Attach an op's node to its output when recording and some input requires a gradient. */
export function record(out: Tensor, op: string, inputs: readonly Tensor[], backward: BackwardRule): Tensor {
  if (!gradEnabled) return out;
  let any = false;
  for (const t of inputs) if (t.requiresGrad) { any = true; break; }
  if (!any) return out;
  out.requiresGrad = true;
  out.node = { op, inputs, backward };
  return out;
}

/** Tensors reachable from `roots` through recorded nodes, inputs before users. */
function topoOrder(roots: readonly Tensor[]): Tensor[] {
  const order: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: Array<{ t: Tensor; i: number }> = [];
  for (const r of roots) {
    if (seen.has(r)) continue;
    seen.add(r);
    stack.push({ t: r, i: 0 });
    while (stack.length > 0) {
      const top = stack[stack.length - 1];
      const ins = top.t.node ? top.t.node.inputs : [];
      if (top.i < ins.length) {
        const c = ins[top.i++];
        if (!seen.has(c) && c.requiresGrad) { seen.add(c); stack.push({ t: c, i: 0 }); }
      } else {
        order.push(top.t);
        stack.pop();
      }
    }
  }
  return order;
}

export interface GradOptions {
  /** Gradients of the outputs (default: 1 for one-element outputs; required otherwise). */
  gradOutputs?: readonly (Tensor | null)[];
  /** Record the backward computation so the results can be differentiated again. */
  createGraph?: boolean;
  /** Give inputs the outputs do not depend on a zero gradient instead of throwing (PyTorch's
   *  allow_unused, which returns None there). */
  allowUnused?: boolean;
}

/** Sweep from outputs; returns the accumulated gradients of the tensors in `wanted`
 *  (or of every leaf requiring a gradient when `wanted` is null). */
function sweep(outputs: readonly Tensor[], wanted: ReadonlySet<Tensor> | null, opts: GradOptions): Map<Tensor, Tensor> {
  const order = topoOrder(outputs);
  const needed = new Set<Tensor>();
  for (const t of order) {
    if (wanted ? wanted.has(t) : t.node === null && t.requiresGrad) { needed.add(t); continue; }
    if (t.node) for (const c of t.node.inputs) if (needed.has(c)) { needed.add(t); break; }
  }
  const grads = new Map<Tensor, Tensor>();
  outputs.forEach((o, i) => {
    let g = opts.gradOutputs?.[i] ?? null;
    if (g === null) {
      if (o.size !== 1) throw new Error(`grad: output ${i} has shape [${o.shape.join(', ')}]; pass gradOutputs for non-scalar outputs`);
      g = onesLike(o);
    } else if (g.size !== o.size) {
      throw new Error(`grad: gradOutputs[${i}] has shape [${g.shape.join(', ')}] but output ${i} has [${o.shape.join(', ')}]`);
    }
    const prev = grads.get(o);
    grads.set(o, prev ? add(prev, g) : g);
  });
  for (let k = order.length - 1; k >= 0; k--) {
    const t = order[k];
    const node = t.node;
    const g = grads.get(t);
    if (!node || g === undefined || !needed.has(t)) continue;
    const needs = node.inputs.map((c) => needed.has(c));
    const gs = node.backward(g, needs);
    for (let i = 0; i < node.inputs.length; i++) {
      const gi = gs[i];
      if (!needs[i] || gi === null || gi === undefined) continue;
      const c = node.inputs[i];
      if (gi.size !== c.size) throw new Error(`internal: backward of ${node.op} gave a gradient of shape [${gi.shape.join(', ')}] for input [${c.shape.join(', ')}]`);
      const prev = grads.get(c);
      grads.set(c, prev ? add(prev, gi) : gi);
    }
    if (wanted === null || !wanted.has(t)) grads.delete(t); // free as we go
  }
  return grads;
}

/**
 * Gradients of `outputs` with respect to `inputs` (like torch.autograd.grad). Every input must
 * require a gradient; one the outputs do not depend on is an error unless `allowUnused` (then
 * its gradient is zero). With `createGraph` the results carry a graph
 * (and so can be differentiated again); otherwise they are constants.
 */
/** A Tensor, by shape (tensor.ts imports this module, so no instanceof here). */
function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && Array.isArray((v as Tensor).shape) && typeof (v as Tensor).requiresGrad === 'boolean';
}

export function grad(outputs: Tensor | readonly Tensor[], inputs: readonly Tensor[], opts: GradOptions = {}): Tensor[] {
  const outs = Array.isArray(outputs) ? (outputs as readonly Tensor[]) : [outputs as Tensor];
  if (!outs.every(isTensor)) throw new TypeError('grad: outputs must be a Tensor or an array of Tensors');
  if (!Array.isArray(inputs) || !inputs.every(isTensor)) throw new TypeError('grad: inputs must be an array of Tensors');
  inputs.forEach((x, i) => {
    // As PyTorch: a gradient with respect to a constant is a mistake (a forgotten requireGrad()),
    // not a zero.
    if (!x.requiresGrad) throw new Error(`grad: inputs[${i}] does not require a gradient (call .requireGrad() on it, or on the leaf it is computed from, before computing the outputs)`);
  });
  const wanted = new Set(inputs);
  const grads = withGrad(opts.createGraph === true, () => sweep(outs, wanted, opts));
  return inputs.map((x, i) => {
    const g = grads.get(x);
    if (g !== undefined) return g;
    if (opts.allowUnused !== true) throw new Error(`grad: inputs[${i}] was not used to compute the outputs (pass allowUnused: true for a zero gradient)`);
    return zerosLike(x);
  });
}

/** `tensor.backward()`: accumulate into `.grad` of every leaf requiring a gradient. */
export function backwardFrom(out: Tensor, gradOutput?: Tensor): void {
  if (!out.requiresGrad) throw new Error('backward: this tensor does not require a gradient (nothing it is computed from requires one)');
  noGrad(() => {
    const grads = sweep([out], null, { gradOutputs: gradOutput ? [gradOutput] : undefined });
    for (const [t, g] of grads) {
      if (t.node !== null || !t.requiresGrad) continue;
      t.grad = t.grad ? add(t.grad, g) : g.detach();
    }
  });
}
