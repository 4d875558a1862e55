/**
 * Turning an optimal plan into a basic one: cancels every cycle of its support (pushing mass
 * around the cycle until one entry empties), so the plan has at most n + m − 1 non-zeros.
 * Every support entry of an optimal plan is tight (M_ij = u_i + v_j), so a cycle has zero
 * reduced cost and cancelling it leaves the cost unchanged and the marginals exact.
 *
 * Owns: that clean-up. Knows nothing of how the plan was found.
 */

/** Nodes are rows 0..n-1 and columns n..n+m-1; entries (rows[k], cols[k], mass[k]). Returns the kept entries. */
export function makeBasic(n: number, m: number, rows: Int32Array, cols: Int32Array, mass: Float64Array): { rows: Int32Array; cols: Int32Array; mass: Float64Array } {
  const V = n + m;
  const adj: number[][] = Array.from({ length: V }, () => []);
  const alive = new Uint8Array(rows.length);
  const flow = Float64Array.from(mass);
  const prevEdge = new Int32Array(V);
  const seen = new Int32Array(V).fill(-1);
  const queue = new Int32Array(V);
  let stamp = 0;
  const other = (e: number, v: number): number => (v === rows[e] ? n + cols[e] : rows[e]);
  // Union-find tells quickly whether an edge closes a cycle.
  const uf = new Int32Array(V);
  for (let v = 0; v < V; v++) uf[v] = v;
  const find = (v: number): number => { while (uf[v] !== v) { uf[v] = uf[uf[v]]; v = uf[v]; } return v; };
  for (let e = 0; e < rows.length; e++) {
    if (!(flow[e] > 0)) continue;
    const a = rows[e], b = n + cols[e];
    const ra = find(a), rb = find(b);
    if (ra !== rb) { uf[ra] = rb; adj[a].push(e); adj[b].push(e); alive[e] = 1; continue; }
    // Path b → a in the forest by BFS.
    stamp++;
    let head = 0, tail = 0;
    queue[tail++] = b; seen[b] = stamp; prevEdge[b] = -1;
    while (head < tail) {
      const v = queue[head++];
      if (v === a) break;
      for (const f of adj[v]) {
        if (!alive[f]) continue;
        const w = other(f, v);
        if (seen[w] !== stamp) { seen[w] = stamp; prevEdge[w] = f; queue[tail++] = w; }
      }
    }
    if (seen[a] !== stamp) { adj[a].push(e); adj[b].push(e); alive[e] = 1; continue; } // not connected after all
    // Cycle: e (a→b), then the path b→…→a. Alternate signs starting with − on e.
    const path: number[] = [];
    for (let v = a; v !== b; ) { const f = prevEdge[v]; path.push(f); v = other(f, v); }
    // path runs a → … → b; along the cycle b → … → a it is reversed. Signs: e is −, the edge
    // adjacent to e at a (path[0]) is +, then −, …
    let theta = flow[e], arg = -1;
    for (let k = 1; k < path.length; k += 2) if (flow[path[k]] < theta) { theta = flow[path[k]]; arg = k; }
    flow[e] -= theta;
    for (let k = 0; k < path.length; k++) flow[path[k]] += k % 2 === 0 ? theta : -theta;
    if (arg >= 0) {
      const f = path[arg];
      flow[f] = 0; alive[f] = 0;
      adj[rows[f]].splice(adj[rows[f]].indexOf(f), 1);
      adj[n + cols[f]].splice(adj[n + cols[f]].indexOf(f), 1);
      if (flow[e] > 0) { adj[a].push(e); adj[b].push(e); alive[e] = 1; }
      // Removing f may split the component; union-find stays a superset, which only costs a BFS.
    } else {
      flow[e] = 0;
    }
  }
  let k = 0;
  for (let e = 0; e < rows.length; e++) if (alive[e] && flow[e] > 0) k++;
  const r2 = new Int32Array(k), c2 = new Int32Array(k), m2 = new Float64Array(k);
  k = 0;
  for (let e = 0; e < rows.length; e++) if (alive[e] && flow[e] > 0) { r2[k] = rows[e]; c2[k] = cols[e]; m2[k] = flow[e]; k++; }
  return { rows: r2, cols: c2, mass: m2 };
}
