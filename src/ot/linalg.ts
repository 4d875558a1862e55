/**
 * Small dense symmetric linear algebra for the Fréchet distance: cyclic Jacobi eigenvalues of
 * a symmetric matrix (always real, no complex square roots, converges for any symmetric
 * input). Owns nothing else. Knows nothing of transport or images.
 */

/** Eigenvalues of the symmetric k×k matrix A (row-major; destroyed). */
export function symmetricEigenvalues(A: Float64Array, k: number, maxSweeps = 100): Float64Array {
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0, diag = 0;
    for (let p = 0; p < k; p++) {
      diag += A[p * k + p] * A[p * k + p];
      for (let q = p + 1; q < k; q++) off += A[p * k + q] * A[p * k + q];
    }
    if (off <= 1e-30 * diag || off === 0) break;
    for (let p = 0; p < k - 1; p++) {
      for (let q = p + 1; q < k; q++) {
        const apq = A[p * k + q];
        if (apq === 0) continue;
        const app = A[p * k + p], aqq = A[q * k + q];
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1), s = t * c;
        for (let r = 0; r < k; r++) {
          const arp = A[r * k + p], arq = A[r * k + q];
          A[r * k + p] = c * arp - s * arq;
          A[r * k + q] = s * arp + c * arq;
        }
        for (let r = 0; r < k; r++) {
          const apr = A[p * k + r], aqr = A[q * k + r];
          A[p * k + r] = c * apr - s * aqr;
          A[q * k + r] = s * apr + c * aqr;
        }
      }
    }
  }
  const out = new Float64Array(k);
  for (let p = 0; p < k; p++) out[p] = A[p * k + p];
  return out;
}
