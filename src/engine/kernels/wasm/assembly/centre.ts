// AssemblyScript (compiled by scripts/build-wasm.mjs, not by tsc).
// Owns: centring float32 rows on a centre vector, with the float64 squared norm of each
// centred row, in one f32x4 pass (src may equal dst: in place). Used by the point-set cost
// path (src/ot/cost.ts). Must not know about tensors, costs or threads.

/** dst[i·d + k] = src[i·d + k] − mu[k] (float32) and norms[i] = Σ_k dst[i·d + k]² summed in
 *  float64, for i < rows. Byte addresses; norms holds f64 values. */
export function centreRowsF32(rows: i32, d: i32, src: usize, mu: usize, dst: usize, norms: usize): void {
  const d8 = d & ~7;
  const rowBytes = <usize>d << 2;
  for (let i = 0; i < rows; i++) {
    const s = src + <usize>i * rowBytes, t = dst + <usize>i * rowBytes;
    let a0 = f64x2.splat(0), a1 = f64x2.splat(0), a2 = f64x2.splat(0), a3 = f64x2.splat(0);
    let k = 0;
    for (; k < d8; k += 8) {
      const kb = <usize>k << 2;
      const r0 = f32x4.sub(v128.load(s + kb), v128.load(mu + kb));
      const r1 = f32x4.sub(v128.load(s + kb, 16), v128.load(mu + kb, 16));
      v128.store(t + kb, r0);
      v128.store(t + kb, r1, 16);
      // Squares of float32 values are exact in float64.
      const l0 = f64x2.promote_low_f32x4(r0), h0 = f64x2.promote_low_f32x4(i64x2.shuffle(r0, r0, 1, 0));
      const l1 = f64x2.promote_low_f32x4(r1), h1 = f64x2.promote_low_f32x4(i64x2.shuffle(r1, r1, 1, 0));
      a0 = f64x2.add(a0, f64x2.mul(l0, l0)); a1 = f64x2.add(a1, f64x2.mul(h0, h0));
      a2 = f64x2.add(a2, f64x2.mul(l1, l1)); a3 = f64x2.add(a3, f64x2.mul(h1, h1));
    }
    let acc = f64x2.add(f64x2.add(a0, a1), f64x2.add(a2, a3));
    let sum = f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
    for (; k < d; k++) {
      const kb = <usize>k << 2;
      const r = load<f32>(s + kb) - load<f32>(mu + kb);
      store<f32>(t + kb, r);
      sum += <f64>r * <f64>r;
    }
    store<f64>(norms + (<usize>i << 3), sum);
  }
}
