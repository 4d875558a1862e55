// AssemblyScript (compiled by scripts/build-wasm.mjs, not by tsc).
// Owns: float32 elementwise kernels over byte addresses in the shared memory: the cheap unary
// functions (no transcendental ones: those stay in the TypeScript backend) and binary ops on
// a 2-D strided view (rows × n), with f32x4 fast paths for contiguous rows and broadcasts.
// Must not know about tensors, shapes beyond two dims, or threads.

// Unary op codes (host: backend-elementwise.ts).
export const U_NEG: i32 = 0;
export const U_ABS: i32 = 1;
export const U_LEAKY_RELU: i32 = 2;
export const U_LEAKY_MASK: i32 = 3;
export const U_SCALE: i32 = 4;
export const U_ADD_SCALAR: i32 = 5;
export const U_GT_MASK: i32 = 6;
export const U_SQRT: i32 = 7;
export const U_SQUARE: i32 = 8;
export const U_SIGN: i32 = 9;

/** out[i] = f(x[i]) for i < n (x may equal out). */
export function unaryF32(op: i32, n: i32, x: usize, out: usize, param: f32): void {
  const n4 = n & ~3;
  const p = f32x4.splat(param);
  const zero = f32x4.splat(0);
  const one = f32x4.splat(1);
  let i = 0;
  for (; i < n4; i += 4) {
    const o = <usize>i << 2;
    const v = v128.load(x + o);
    let r: v128;
    switch (op) {
      case U_NEG: r = f32x4.neg(v); break;
      case U_ABS: r = f32x4.abs(v); break;
      case U_LEAKY_RELU: r = v128.bitselect(v, f32x4.mul(v, p), f32x4.gt(v, zero)); break;
      case U_LEAKY_MASK: r = v128.bitselect(one, p, f32x4.gt(v, zero)); break;
      case U_SCALE: r = f32x4.mul(v, p); break;
      case U_ADD_SCALAR: r = f32x4.add(v, p); break;
      case U_GT_MASK: r = v128.and(f32x4.gt(v, p), one); break;
      case U_SQRT: r = f32x4.sqrt(v); break;
      case U_SQUARE: r = f32x4.mul(v, v); break;
      default: {
        // sign: 1, -1, else 0 (for ±0 and NaN, as the TypeScript backend)
        const pos = v128.and(f32x4.gt(v, zero), one);
        const neg = v128.and(f32x4.lt(v, zero), one);
        r = f32x4.sub(pos, neg);
      }
    }
    v128.store(out + o, r);
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const v = load<f32>(x + o);
    let r: f32;
    switch (op) {
      case U_NEG: r = -v; break;
      case U_ABS: r = abs<f32>(v); break;
      case U_LEAKY_RELU: r = v > 0 ? v : v * param; break;
      case U_LEAKY_MASK: r = v > 0 ? 1 : param; break;
      case U_SCALE: r = v * param; break;
      case U_ADD_SCALAR: r = v + param; break;
      case U_GT_MASK: r = v > param ? 1 : 0; break;
      case U_SQRT: r = sqrt<f32>(v); break;
      case U_SQUARE: r = v * v; break;
      default: r = v > 0 ? 1 : v < 0 ? -1 : 0;
    }
    store<f32>(out + o, r);
  }
}

export const B_ADD: i32 = 0;
export const B_SUB: i32 = 1;
export const B_MUL: i32 = 2;
export const B_DIV: i32 = 3;

@inline function opv(op: i32, a: v128, b: v128): v128 {
  switch (op) {
    case B_ADD: return f32x4.add(a, b);
    case B_SUB: return f32x4.sub(a, b);
    case B_MUL: return f32x4.mul(a, b);
    default: return f32x4.div(a, b);
  }
}

@inline function ops(op: i32, a: f32, b: f32): f32 {
  switch (op) {
    case B_ADD: return a + b;
    case B_SUB: return a - b;
    case B_MUL: return a * b;
    default: return a / b;
  }
}

/** One row: out[j] = a[j·sa] op b[j·sb] for j < n (strides in elements). */
function row(op: i32, n: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize): void {
  let j = 0;
  const n4 = n & ~3;
  if (sa == 1 && sb == 1) {
    for (; j < n4; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, opv(op, v128.load(a + o), v128.load(b + o)));
    }
  } else if (sa == 1 && sb == 0) {
    const bv = v128.load32_splat(b);
    for (; j < n4; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, opv(op, v128.load(a + o), bv));
    }
  } else if (sa == 0 && sb == 1) {
    const av = v128.load32_splat(a);
    for (; j < n4; j += 4) {
      const o = <usize>j << 2;
      v128.store(out + o, opv(op, av, v128.load(b + o)));
    }
  }
  for (; j < n; j++) {
    store<f32>(out + (<usize>j << 2), ops(op, load<f32>(a + (<usize>(j * sa) << 2)), load<f32>(b + (<usize>(j * sb) << 2))));
  }
}

/** out (rows × n, contiguous) [i, j] = a[i·ra + j·sa] op b[i·rb + j·sb] (strides in elements). */
export function binary2dF32(op: i32, rows: i32, n: i32, a: usize, ra: i32, sa: i32,
  b: usize, rb: i32, sb: i32, out: usize): void {
  for (let i = 0; i < rows; i++) {
    row(op, n, a + (<usize>(i * ra) << 2), sa, b + (<usize>(i * rb) << 2), sb, out + (<usize>(i * n) << 2));
  }
}

/** One Adam step in place (PyTorch semantics, see kernels.ts), f32x4 with a scalar tail.
 *  The host passes c1 = 1 − b1, c2 = 1 − b2, stepSize = lr / bc1 and sq2 = √bc2, computed in
 *  double precision (1 − f32(0.999) would be off by 1e-5 relative). */
export function adamF32(n: i32, p: usize, g: usize, m: usize, v: usize,
  b1: f32, c1: f32, b2: f32, c2: f32, eps: f32, stepSize: f32, sq2: f32): void {
  const vb1 = f32x4.splat(b1), vc1 = f32x4.splat(c1), vb2 = f32x4.splat(b2), vc2 = f32x4.splat(c2);
  const vstep = f32x4.splat(stepSize), vsq2 = f32x4.splat(sq2), veps = f32x4.splat(eps);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gi = v128.load(g + o);
    const mi = f32x4.add(f32x4.mul(vb1, v128.load(m + o)), f32x4.mul(vc1, gi));
    const vi = f32x4.add(f32x4.mul(vb2, v128.load(v + o)), f32x4.mul(vc2, f32x4.mul(gi, gi)));
    v128.store(m + o, mi);
    v128.store(v + o, vi);
    const den = f32x4.add(f32x4.div(f32x4.sqrt(vi), vsq2), veps);
    v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.div(f32x4.mul(vstep, mi), den)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gi = load<f32>(g + o);
    const mi = b1 * load<f32>(m + o) + c1 * gi;
    const vi = b2 * load<f32>(v + o) + c2 * gi * gi;
    store<f32>(m + o, mi);
    store<f32>(v + o, vi);
    store<f32>(p + o, load<f32>(p + o) - stepSize * mi / (sqrt<f32>(vi) / sq2 + eps));
  }
}

/** Σ of n contiguous float32 values, accumulated in double precision (two f64x2 lanes pairs). */
@inline function rowSum(x: usize, n: i32): f64 {
  let a0 = f64x2.splat(0), a1 = f64x2.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const v = v128.load(x + (<usize>j << 2));
    a0 = f64x2.add(a0, f64x2.promote_low_f32x4(v));
    a1 = f64x2.add(a1, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  const a = f64x2.add(a0, a1);
  let s = f64x2.extract_lane(a, 0) + f64x2.extract_lane(a, 1);
  for (; j < n; j++) s += <f64>load<f32>(x + (<usize>j << 2));
  return s;
}

/** x viewed as (outer, mid, inner) contiguous; out[m] (float32, zeroed first) = Σ over outer and
 *  inner of x[o, m, i]. inner = 1 gives column sums, outer = 1 row sums, mid = 1 a full sum. */
export function sumKeepMidF32(outer: i32, mid: i32, inner: i32, x: usize, out: usize): void {
  memory.fill(out, 0, <usize>mid << 2);
  if (inner == 1) {
    // column sums: out[m] += x[o, m], row after row (float32 adds, as the TypeScript kernel)
    for (let o = 0; o < outer; o++) {
      const row = x + (<usize>(o * mid) << 2);
      let m = 0;
      for (; m + 4 <= mid; m += 4) {
        const q = <usize>m << 2;
        v128.store(out + q, f32x4.add(v128.load(out + q), v128.load(row + q)));
      }
      for (; m < mid; m++) {
        const q = <usize>m << 2;
        store<f32>(out + q, load<f32>(out + q) + load<f32>(row + q));
      }
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    for (let m = 0; m < mid; m++) {
      const s = rowSum(x + (<usize>((o * mid + m) * inner) << 2), inner);
      const q = out + (<usize>m << 2);
      store<f32>(q, <f32>(<f64>load<f32>(q) + s));
    }
  }
}
