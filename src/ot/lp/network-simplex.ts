/**
 * Exact transport between two discrete measures by the primal network simplex on the dense
 * bipartite graph (the general solver behind `emd`, as POT's `ot.emd`; the algorithm follows
 * the classic spanning-tree network simplex with thread/depth-free tree indices and block
 * search pivoting).
 *
 * Owns: the simplex tree, its pivots, and the strongly-feasible leaving-arc rule (ties broken
 * towards the join node on the second path), which prevents cycling on degenerate problems
 * (duplicates, equal costs, one point against many). There is no silent iteration cap: a cap,
 * when the caller sets one, ends with status 'max_iter', and the caller must treat that plan as
 * not optimal. Knows nothing of points, images or training: it sees masses and a cost matrix.
 */

export type TransportStatus = 'optimal' | 'max_iter' | 'infeasible';

export interface SparsePlan {
  /** Row (source) index of each non-zero. */
  readonly rows: Int32Array;
  /** Column (target) index of each non-zero. */
  readonly cols: Int32Array;
  /** Mass moved from rows[k] to cols[k] (same units as the input weights). */
  readonly mass: Float64Array;
}

export interface TransportResult {
  /** Σ plan · M, summed in float64. */
  readonly cost: number;
  readonly plan: SparsePlan;
  /** Dual potentials: u_i + v_j ≤ M_ij everywhere, with equality on the plan's support. */
  readonly u: Float64Array;
  readonly v: Float64Array;
  readonly status: TransportStatus;
  /** What happened: the solver used and how many pivots or augmentations it took. */
  readonly log: { readonly solver: string; readonly iterations: number; readonly seconds: number };
}

/**
 * Network simplex for min Σ P_ij M_ij subject to P·1 = a, Pᵀ·1 = b, P ≥ 0. `M` is n×m
 * row-major. Weights must be non-negative with equal sums (up to round-off, which is left on
 * an artificial arc and checked). `maxIter` = 0 means no cap.
 */
export function networkSimplex(a: ArrayLike<number>, b: ArrayLike<number>, M: Float64Array,
  n: number, m: number, maxIter = 0): TransportResult {
  const t0 = performance.now();
  const nodeNum = n + m;
  const arcNum = n * m;
  const root = nodeNum;
  const allNodes = nodeNum + 1;
  // Node data.
  const supply = new Float64Array(allNodes);
  for (let i = 0; i < n; i++) supply[i] = a[i];
  for (let j = 0; j < m; j++) supply[n + j] = -b[j];
  let sumSupply = 0;
  let total = 0;
  for (let i = 0; i < nodeNum; i++) { sumSupply += supply[i]; if (supply[i] > 0) total += supply[i]; }
  supply[root] = -sumSupply;
  const pi = new Float64Array(allNodes);
  const parent = new Int32Array(allNodes);
  const pred = new Int32Array(allNodes);
  const thread = new Int32Array(allNodes);
  const revThread = new Int32Array(allNodes);
  const succNum = new Int32Array(allNodes);
  const lastSucc = new Int32Array(allNodes);
  const predDir = new Int8Array(allNodes); // +1: arc pred goes up (node -> parent), -1: down
  const dirtyRevs = new Int32Array(allNodes);
  // Arc data: real arcs e < arcNum are i -> n+j with e = i*m + j (read from M); artificial arcs
  // arcNum + u connect node u with the root. Every arc is uncapacitated, so an arc out of the
  // tree carries no flow: flows are kept per node, on the arc to its parent (`treeFlow[u]` is
  // the flow on pred[u]), and an arc i -> n+j is in the tree iff it is pred[i] or pred[n+j].
  // Beyond M itself the solver holds O(n + m) memory.
  const treeFlow = new Float64Array(allNodes);
  const artSrc = new Int32Array(nodeNum);
  const artTgt = new Int32Array(nodeNum);
  const artCost = new Float64Array(nodeNum);
  let maxCost = 0;
  for (let e = 0; e < arcNum; e++) { const c = Math.abs(M[e]); if (c > maxCost) maxCost = c; }
  const ART_COST = (maxCost + 1) * nodeNum;
  const src = (e: number): number => (e < arcNum ? (e / m) | 0 : artSrc[e - arcNum]);
  const tgt = (e: number): number => (e < arcNum ? n + (e % m) : artTgt[e - arcNum]);
  const cost = (e: number): number => (e < arcNum ? M[e] : artCost[e - arcNum]);

  parent[root] = -1; pred[root] = -1; thread[root] = 0; revThread[0] = root;
  succNum[root] = allNodes; lastSucc[root] = root - 1; pi[root] = 0;
  for (let u = 0; u < nodeNum; u++) {
    const e = arcNum + u;
    parent[u] = root; pred[u] = e; thread[u] = u + 1; revThread[u + 1] = u;
    succNum[u] = 1; lastSucc[u] = u;
    if (supply[u] >= 0) {
      predDir[u] = 1; pi[u] = 0; artSrc[u] = u; artTgt[u] = root; treeFlow[u] = supply[u]; artCost[u] = 0;
    } else {
      predDir[u] = -1; pi[u] = ART_COST; artSrc[u] = root; artTgt[u] = u; treeFlow[u] = -supply[u]; artCost[u] = ART_COST;
    }
  }

  const blockSize = Math.max(10, Math.ceil(Math.sqrt(arcNum)));
  let nextArc = 0;
  let inArc = -1, join = -1, uIn = -1, vIn = -1, uOut = -1, delta = 0;
  const EPS = 2.220446049250313e-16;

  // Block search over the real arcs (artificial arcs never re-enter: they start in the tree and,
  // once out, cost more than any real path), scanning row by row from where the last search
  // stopped. Tree arcs have reduced cost 0 up to round-off; one that looks negative is skipped
  // by the membership test, which only runs for a new block minimum. Returns false when every
  // reduced cost is ≥ 0.
  const piT = pi.subarray(n, n + m);
  function findEnteringArc(): boolean {
    let min = 0;
    let cnt = blockSize; // arcs left in the current block
    let i = (nextArc / m) | 0;
    let j = nextArc - i * m;
    for (let left = arcNum; left > 0;) {
      const o = i * m;
      const piS = pi[i];
      // Scan row i from column j for at most `cnt` and `left` arcs.
      let end = m;
      if (end - j > cnt) end = j + cnt;
      if (end - j > left) end = j + left;
      for (let jj = j; jj < end; jj++) {
        const c = M[o + jj] + piS - piT[jj];
        if (c < min) {
          const scale = Math.max(Math.abs(M[o + jj]), Math.abs(piT[jj]), Math.abs(piS));
          if (c < -EPS * 8 * scale) {
            const e = o + jj;
            if (pred[i] !== e && pred[n + jj] !== e) { min = c; inArc = e; }
          }
        }
      }
      const done = end - j;
      left -= done;
      cnt -= done;
      j = end;
      if (j === m) { j = 0; i = i + 1 === n ? 0 : i + 1; }
      if (cnt === 0) {
        if (min < 0) { nextArc = i * m + j; return true; }
        cnt = blockSize;
      }
    }
    if (min < 0) { nextArc = i * m + j; return true; }
    return false;
  }

  function findJoinNode(): void {
    let u = src(inArc), v = tgt(inArc);
    while (u !== v) {
      if (succNum[u] < succNum[v]) u = parent[u]; else v = parent[v];
    }
    join = u;
  }

  // Every arc is uncapacitated, so the entering arc is at its lower bound and only arcs whose
  // flow decreases around the cycle can block it. Strict < on the first path and <= on the
  // second keep the tree strongly feasible.
  function findLeavingArc(): boolean {
    const first = src(inArc), second = tgt(inArc);
    delta = Infinity;
    let result = 0;
    for (let u = first; u !== join; u = parent[u]) {
      if (predDir[u] === 1) {
        const d = treeFlow[u];
        if (d < delta) { delta = d; uOut = u; result = 1; }
      }
    }
    for (let u = second; u !== join; u = parent[u]) {
      if (predDir[u] === -1) {
        const d = treeFlow[u];
        if (d <= delta) { delta = d; uOut = u; result = 2; }
      }
    }
    if (result === 1) { uIn = first; vIn = second; } else { uIn = second; vIn = first; }
    return result !== 0;
  }

  // Pushes delta around the cycle on the tree arcs; the entering arc's flow (delta) is stored
  // on its node when updateTreeStructure makes it a pred arc.
  function changeFlow(): void {
    if (delta > 0) {
      for (let u = src(inArc); u !== join; u = parent[u]) treeFlow[u] -= predDir[u] * delta;
      for (let u = tgt(inArc); u !== join; u = parent[u]) treeFlow[u] += predDir[u] * delta;
    }
    treeFlow[uOut] = 0; // exactly: it carried delta, the cycle's minimum
  }

  function updateTreeStructure(): void {
    const oldRevThread = revThread[uOut];
    const oldSuccNum = succNum[uOut];
    const oldLastSucc = lastSucc[uOut];
    const vOut = parent[uOut];
    if (uIn === uOut) {
      parent[uIn] = vIn;
      pred[uIn] = inArc;
      treeFlow[uIn] = delta;
      predDir[uIn] = uIn === src(inArc) ? 1 : -1;
      if (thread[vIn] !== uOut) {
        let after = thread[oldLastSucc];
        thread[oldRevThread] = after;
        revThread[after] = oldRevThread;
        after = thread[vIn];
        thread[vIn] = uOut;
        revThread[uOut] = vIn;
        thread[oldLastSucc] = after;
        revThread[after] = oldLastSucc;
      }
    } else {
      const threadContinue = oldRevThread === vIn ? thread[oldLastSucc] : thread[vIn];
      let stem = uIn;
      let parStem = vIn;
      let last = lastSucc[uIn];
      let after = thread[last];
      thread[vIn] = uIn;
      let nDirty = 0;
      dirtyRevs[nDirty++] = vIn;
      while (stem !== uOut) {
        const nextStem = parent[stem];
        thread[last] = nextStem;
        dirtyRevs[nDirty++] = last;
        const before = revThread[stem];
        thread[before] = after;
        revThread[after] = before;
        parent[stem] = parStem;
        parStem = stem;
        stem = nextStem;
        last = lastSucc[stem] === lastSucc[parStem] ? revThread[parStem] : lastSucc[stem];
        after = thread[last];
      }
      parent[uOut] = parStem;
      thread[last] = threadContinue;
      revThread[threadContinue] = last;
      lastSucc[uOut] = last;
      if (oldRevThread !== vIn) {
        thread[oldRevThread] = after;
        revThread[after] = oldRevThread;
      }
      for (let k = 0; k < nDirty; k++) { const u = dirtyRevs[k]; revThread[thread[u]] = u; }
      let tmpSc = 0;
      const tmpLs = lastSucc[uOut];
      for (let u = uOut, p = parent[u]; u !== uIn; u = p, p = parent[u]) {
        pred[u] = pred[p];
        treeFlow[u] = treeFlow[p];
        predDir[u] = -predDir[p];
        tmpSc += succNum[u] - succNum[p];
        succNum[u] = tmpSc;
        lastSucc[p] = tmpLs;
      }
      pred[uIn] = inArc;
      treeFlow[uIn] = delta;
      predDir[uIn] = uIn === src(inArc) ? 1 : -1;
      succNum[uIn] = oldSuccNum;
    }
    const upLimitOut = lastSucc[join] === vIn ? join : -1;
    const lastSuccOut = lastSucc[uOut];
    for (let u = vIn; u !== -1 && lastSucc[u] === vIn; u = parent[u]) lastSucc[u] = lastSuccOut;
    if (join !== oldRevThread && vIn !== oldRevThread) {
      for (let u = vOut; u !== upLimitOut && lastSucc[u] === oldLastSucc; u = parent[u]) lastSucc[u] = oldRevThread;
    } else if (lastSuccOut !== oldLastSucc) {
      for (let u = vOut; u !== upLimitOut && lastSucc[u] === oldLastSucc; u = parent[u]) lastSucc[u] = lastSuccOut;
    }
    for (let u = vIn; u !== join; u = parent[u]) succNum[u] += oldSuccNum;
    for (let u = vOut; u !== join; u = parent[u]) succNum[u] -= oldSuccNum;
  }

  function updatePotential(): void {
    const sigma = pi[vIn] - pi[uIn] - predDir[uIn] * cost(inArc);
    const end = thread[lastSucc[uIn]];
    for (let u = uIn; u !== end; u = thread[u]) pi[u] += sigma;
  }

  let iterations = 0;
  let status: TransportStatus = 'optimal';
  while (findEnteringArc()) {
    if (maxIter > 0 && iterations >= maxIter) { status = 'max_iter'; break; }
    iterations++;
    findJoinNode();
    if (!findLeavingArc()) throw new Error('network simplex: unbounded cycle (negative costs on an uncapacitated cycle cannot occur in transport)');
    changeFlow();
    updateTreeStructure();
    updatePotential();
  }
  if (status === 'optimal') {
    for (let u = 0; u < nodeNum; u++) {
      if (pred[u] >= arcNum && treeFlow[u] > 1e-9 * total + 1e-300) { status = 'infeasible'; break; }
    }
  }
  // Collect the support: the tree arcs with positive flow (no other arc carries any).
  let nnz = 0;
  for (let u = 0; u < nodeNum; u++) if (pred[u] < arcNum && treeFlow[u] > 0) nnz++;
  const rows = new Int32Array(nnz), cols = new Int32Array(nnz), mass = new Float64Array(nnz);
  let k = 0;
  let total2 = 0;
  for (let u = 0; u < nodeNum; u++) {
    const e = pred[u];
    if (e < arcNum && treeFlow[u] > 0) {
      const i = (e / m) | 0;
      rows[k] = i; cols[k] = e - i * m; mass[k] = treeFlow[u]; total2 += treeFlow[u] * M[e]; k++;
    }
  }
  sortPlan(rows, cols, mass);
  const u = new Float64Array(n), v = new Float64Array(m);
  for (let i = 0; i < n; i++) u[i] = -pi[i];
  for (let j = 0; j < m; j++) v[j] = pi[n + j];
  centreDuals(u, v);
  return {
    cost: total2, plan: { rows, cols, mass }, u, v, status,
    log: { solver: 'network-simplex', iterations, seconds: (performance.now() - t0) / 1000 },
  };
}

/** Sort a sparse plan by (row, col) in place, so every solver returns the same layout. */
export function sortPlan(rows: Int32Array, cols: Int32Array, mass: Float64Array): void {
  const k = rows.length;
  const order = new Int32Array(k);
  for (let t = 0; t < k; t++) order[t] = t;
  order.sort((p, q) => (rows[p] - rows[q]) || (cols[p] - cols[q]));
  const r2 = rows.slice(), c2 = cols.slice(), m2 = mass.slice();
  for (let t = 0; t < k; t++) { rows[t] = r2[order[t]]; cols[t] = c2[order[t]]; mass[t] = m2[order[t]]; }
}

/** Shift (u, v) → (u + s, v − s) so that the mean of u is zero; keeps u_i + v_j unchanged. */
export function centreDuals(u: Float64Array, v: Float64Array): void {
  if (u.length === 0) return;
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i];
  s /= u.length;
  for (let i = 0; i < u.length; i++) u[i] -= s;
  for (let j = 0; j < v.length; j++) v[j] += s;
}
