/**
 * Optimal assignment (rectangular linear sum assignment).
 *
 * Given a cost matrix C (rows × cols, row-major), find a set of pairs (r_i, c_i) using every row
 * or every column at most once, min(rows, cols) pairs in all, that minimises (or maximises)
 * Σ_i C[r_i, c_i].
 *
 * Algorithm: shortest augmenting paths with dual potentials (Crouse, "On implementing 2D
 * rectangular assignment algorithms", IEEE TAES 2016) — the algorithm behind
 * `scipy.optimize.linear_sum_assignment`. The scan order and tie-breaking rules follow that
 * algorithm's description (prefer unassigned columns on ties, scan the remaining columns from the
 * last index down), so ties resolve the way the DAVIS evaluator's matching resolves them.
 */

/** The result of {@link optimalAssignment}: pairs sorted by row index. */
export interface Assignment {
  /** Row index of each pair, increasing. */
  readonly rows: Int32Array;
  /** Column index of each pair. */
  readonly cols: Int32Array;
  /** Σ C[rows[i], cols[i]] over the pairs, in float64. */
  readonly total: number;
}

/** Options of {@link optimalAssignment}. */
export interface OptimalAssignmentOptions {
  /** Maximise the total instead of minimising it (default false). */
  readonly maximize?: boolean;
}

type NumericArray = ArrayLike<number>;

/**
 * Solve the rectangular linear sum assignment problem.
 *
 * @param cost row-major cost matrix with `rows * cols` entries (any numeric array).
 * @param rows number of rows.
 * @param cols number of columns.
 * @throws RangeError when the shape does not match the data, or a cost is NaN or ∓∞ in the
 *   direction being optimised (the problem would be infeasible).
 */
export function optimalAssignment(
  cost: NumericArray,
  rows: number,
  cols: number,
  options: OptimalAssignmentOptions = {},
): Assignment {
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0) {
    throw new RangeError(
      `optimalAssignment: rows and cols must be non-negative integers, got ${rows}×${cols}`,
    );
  }
  if (cost.length !== rows * cols) {
    throw new RangeError(
      `optimalAssignment: cost has ${cost.length} entries, expected rows·cols = ${rows}·${cols} = ${rows * cols}`,
    );
  }
  const maximize = options.maximize === true;
  if (rows === 0 || cols === 0) return { rows: new Int32Array(0), cols: new Int32Array(0), total: 0 };

  // Work on a matrix with nr <= nc (transpose otherwise), negated when maximising.
  const transpose = cols < rows;
  const nr = transpose ? cols : rows;
  const nc = transpose ? rows : cols;
  const c = new Float64Array(nr * nc);
  for (let r = 0; r < rows; r++) {
    for (let k = 0; k < cols; k++) {
      const value = cost[r * cols + k]!;
      if (Number.isNaN(value) || value === (maximize ? Number.POSITIVE_INFINITY : Number.NEGATIVE_INFINITY)) {
        throw new RangeError(`optimalAssignment: cost[${r}, ${k}] = ${value} makes the problem infeasible`);
      }
      const v = maximize ? -value : value;
      if (transpose) c[k * nc + r] = v;
      else c[r * nc + k] = v;
    }
  }

  const u = new Float64Array(nr);
  const v = new Float64Array(nc);
  const shortest = new Float64Array(nc);
  const path = new Int32Array(nc).fill(-1);
  const col4row = new Int32Array(nr).fill(-1);
  const row4col = new Int32Array(nc).fill(-1);
  const visitedRow = new Uint8Array(nr);
  const visitedCol = new Uint8Array(nc);
  const remaining = new Int32Array(nc);

  for (let curRow = 0; curRow < nr; curRow++) {
    // Dijkstra-like search for the shortest augmenting path from curRow to a free column.
    let minVal = 0;
    let numRemaining = nc;
    for (let it = 0; it < nc; it++) remaining[it] = nc - it - 1;
    visitedRow.fill(0);
    visitedCol.fill(0);
    shortest.fill(Number.POSITIVE_INFINITY);
    let sink = -1;
    let i = curRow;
    while (sink === -1) {
      let index = -1;
      let lowest = Number.POSITIVE_INFINITY;
      visitedRow[i] = 1;
      const base = i * nc;
      for (let it = 0; it < numRemaining; it++) {
        const j = remaining[it]!;
        const reduced = minVal + c[base + j]! - u[i]! - v[j]!;
        if (reduced < shortest[j]!) {
          path[j] = i;
          shortest[j] = reduced;
        }
        const s = shortest[j]!;
        if (s < lowest || (s === lowest && row4col[j] === -1)) {
          lowest = s;
          index = it;
        }
      }
      minVal = lowest;
      if (minVal === Number.POSITIVE_INFINITY) {
        throw new RangeError('optimalAssignment: the cost matrix is infeasible (no finite assignment)');
      }
      const j = remaining[index]!;
      if (row4col[j] === -1) sink = j;
      else i = row4col[j]!;
      visitedCol[j] = 1;
      remaining[index] = remaining[--numRemaining]!;
    }

    // Update the dual potentials.
    u[curRow]! += minVal;
    for (let r = 0; r < nr; r++) {
      if (visitedRow[r] && r !== curRow) u[r]! += minVal - shortest[col4row[r]!]!;
    }
    for (let k = 0; k < nc; k++) {
      if (visitedCol[k]) v[k]! -= minVal - shortest[k]!;
    }

    // Augment along the path.
    let j = sink;
    for (;;) {
      const r = path[j]!;
      row4col[j] = r;
      const previous = col4row[r]!;
      col4row[r] = j;
      j = previous;
      if (r === curRow) break;
    }
  }

  const outRows = new Int32Array(nr);
  const outCols = new Int32Array(nr);
  if (transpose) {
    // Pairs are (col4row[k], k) in the original orientation; sort them by original row.
    const order = Array.from({ length: nr }, (_, k) => k).sort((a, b) => col4row[a]! - col4row[b]!);
    order.forEach((k, n) => {
      outRows[n] = col4row[k]!;
      outCols[n] = k;
    });
  } else {
    for (let r = 0; r < nr; r++) {
      outRows[r] = r;
      outCols[r] = col4row[r]!;
    }
  }
  let total = 0;
  for (let n = 0; n < nr; n++) total += cost[outRows[n]! * cols + outCols[n]!]!;
  return { rows: outRows, cols: outCols, total };
}
