// A WGAN-GP critic step of an FC critic (SPEC's FC discriminator: Linear, LeakyReLU(0.2), ...,
// Linear(nf, 1)) built from engine ops, shared by the backend-agreement test and the kernel
// benchmark. Owns nothing else; not a test file itself (no .test. in its name).
import { Tensor, grad, linear, leakyRelu, randn, mean, sub, add, neg, getKernels } from '../../src/engine/index.js';
import { gradientPenalty } from '../../src/losses/gradient-penalty.js';
import { Rng } from '../../src/engine/random.js';

export interface FcCritic { weights: Tensor[]; biases: Tensor[] }

/** Parameters for input size `inDim`, width `nf`, `depth` linear layers (the last one to 1). */
export function makeFcCritic(inDim: number, nf: number, depth: number, rng: Rng): FcCritic {
  const dims = [inDim, ...Array(depth - 1).fill(nf), 1];
  const weights: Tensor[] = [], biases: Tensor[] = [];
  for (let l = 0; l < depth; l++) {
    const w = randn([dims[l + 1], dims[l]], rng);
    const s = 1 / Math.sqrt(dims[l]);
    for (let i = 0; i < w.data.length; i++) w.data[i] *= s;
    weights.push(w.requireGrad());
    biases.push(randn([dims[l + 1]], rng).requireGrad());
  }
  return { weights, biases };
}

export function criticForward(net: FcCritic, x: Tensor): Tensor {
  let h = x;
  for (let l = 0; l < net.weights.length; l++) {
    h = linear(h, net.weights[l], net.biases[l]);
    if (l < net.weights.length - 1) h = leakyRelu(h, 0.2);
  }
  return h;
}

/** Loss −(mean D(real) − mean D(fake)) + 10·GP for any critic `f` with parameters `params`;
 *  returns the loss and its parameter gradients. */
export function wganGpStep(f: (x: Tensor) => Tensor, params: Tensor[], real: Tensor, fake: Tensor, alphas: Float32Array): { loss: Tensor; grads: Tensor[] } {
  const w1 = sub(mean(f(real)), mean(f(fake)));
  const { penalty } = gradientPenalty(f, real, fake, alphas, 10);
  const loss = add(neg(w1), penalty);
  return { loss, grads: grad([loss], params) };
}

/** wganGpStep for the FC critic above. */
export function criticStep(net: FcCritic, real: Tensor, fake: Tensor, alphas: Float32Array): { loss: Tensor; grads: Tensor[] } {
  return wganGpStep((x) => criticForward(net, x), [...net.weights, ...net.biases], real, fake, alphas);
}

/** Inputs for a step: real and fake batches (b × inDim) and per-sample α. */
export function stepInputs(b: number, inDim: number, rng: Rng): { real: Tensor; fake: Tensor; alphas: Float32Array } {
  const real = randn([b, inDim], rng), fake = randn([b, inDim], rng);
  const alphas = new Float32Array(b);
  for (let i = 0; i < b; i++) alphas[i] = rng.uniform();
  return { real, fake, alphas };
}

export { getKernels };
