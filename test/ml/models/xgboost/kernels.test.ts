import { describe, expect, it } from 'vitest';
import { matrix } from '../../../../layers/ml/data/matrix.ts';
import { MlError } from '../../../../layers/ml/errors.ts';
import { HistogramBuilder } from '../../../../layers/ml/models/xgboost/histogram.ts';
import { type BinnedFeatures, binFeatures } from '../../../../layers/ml/models/xgboost/quantile-bins.ts';
import {
  findBestSplit,
  SplitCandidate,
  type SplitRule,
} from '../../../../layers/ml/models/xgboost/split-search.ts';
import { createMemory } from '../../../../layers/ml/models/xgboost/wasm/runtime.ts';
import { Workspace } from '../../../../layers/ml/models/xgboost/workspace.ts';
import { Random } from '../../../../layers/ml/random.ts';
import { Code, encodeModule, I32 } from '../../../../layers/ml/wasm/encoder.ts';

// The WebAssembly kernels against plain JS written from their specification, compared bit for bit:
// models must not change when the kernels do.

/** Random features with a few distinct values in some columns (so bins are uneven and some empty). */
function binnedData(nRows: number, nFeatures: number, seed: number): BinnedFeatures {
  const rng = new Random(seed);
  const values = new Float64Array(nRows * nFeatures);
  for (let j = 0; j < nFeatures; j++) {
    for (let i = 0; i < nRows; i++) {
      values[j * nRows + i] = j % 3 === 0 ? rng.int(5) : rng.normal() * (j + 1);
    }
  }
  return binFeatures(matrix(nRows, nFeatures, values), 64);
}

function gradients(nRows: number, rng: Random): Float64Array {
  const gh = new Float64Array(2 * nRows);
  for (let i = 0; i < nRows; i++) {
    const p = rng.next();
    gh[2 * i] = p - (rng.next() < 0.5 ? 1 : 0);
    gh[2 * i + 1] = Math.max(p * (1 - p), 1e-16);
  }
  return gh;
}

/**
 * The documented summation order: rows in the given order; from TWO_ROW_MIN (1024) rows, even and odd
 * positions summed apart and then added, except for the last nActive mod 4 features.
 */
function referenceHistogram(
  binned: BinnedFeatures,
  gh: Float64Array,
  rows: Int32Array,
  features: Int32Array,
  nActive: number,
): Float64Array {
  const { bins, binOffset, nRows: n, nFeatures: d } = binned;
  const hist = new Float64Array(2 * binOffset[d]);
  const odd = new Float64Array(2 * binOffset[d]);
  const split = rows.length >= 1024;
  const grouped = nActive - (nActive % 4);
  for (let a = 0; a < nActive; a++) {
    const j = features[a];
    const apart = split && a < grouped;
    rows.forEach((r, k) => {
      const s = 2 * (binOffset[j] + bins[j * n + r]);
      const target = apart && k % 2 === 1 ? odd : hist;
      target[s] += gh[2 * r];
      target[s + 1] += gh[2 * r + 1];
    });
    if (apart) for (let s = 2 * binOffset[j]; s < 2 * binOffset[j + 1]; s++) hist[s] += odd[s];
  }
  return hist;
}

/** Runs `use` with `count` histograms, released even if it throws. */
function withHistograms(histograms: HistogramBuilder, count: number, use: (h: Float64Array[]) => void): void {
  const held = Array.from({ length: count }, () => histograms.acquire());
  try {
    use(held);
  } finally {
    for (const h of held) histograms.release(h);
  }
}

function randomSubset(n: number, count: number, rng: Random): Int32Array {
  const all = Int32Array.from({ length: n }, (_, k) => k);
  for (let i = 0; i < count; i++) {
    const k = i + rng.int(n - i);
    [all[i], all[k]] = [all[k], all[i]];
  }
  return all.subarray(0, count).sort();
}

function activeSlots(binned: BinnedFeatures, hist: Float64Array, features: Int32Array, nActive: number) {
  const out: number[] = [];
  for (let a = 0; a < nActive; a++) {
    const j = features[a];
    for (let s = 2 * binned.binOffset[j]; s < 2 * binned.binOffset[j + 1]; s++) out.push(hist[s]);
  }
  return out;
}

describe('XGBoost histogram kernels', () => {
  const n = 3001;
  const binned = binnedData(n, 7, 1);
  const workspace = new Workspace(binned, 2, 1);
  const histograms = new HistogramBuilder(binned, workspace, 2);
  const rowBuffer = new Int32Array(workspace.buffer, workspace.rowsAt, 2 * n);
  const rng = new Random(2);
  const gh = gradients(n, rng);
  histograms.setGradients(gh);
  const all = Int32Array.from({ length: 7 }, (_, j) => j);
  const subset = Int32Array.from([0, 2, 3, 5, 6]);

  it.each([
    { name: 'all rows in order, two-row sums', count: n, inOrder: true, features: all, nActive: 7 },
    { name: 'all rows in order, a feature subset', count: n, inOrder: true, features: subset, nActive: 5 },
    { name: 'a node of odd size ≥ 1024', count: 1501, inOrder: false, features: all, nActive: 7 },
    { name: 'a node below 1024 rows', count: 777, inOrder: false, features: subset, nActive: 5 },
    { name: 'an empty node', count: 0, inOrder: false, features: all, nActive: 7 },
  ])('sums as the plain loop does: $name', ({ count, inOrder, features, nActive }) => {
    // A node's rows: ascending (as the partition keeps them), a random subset unless all in order.
    const rows = inOrder ? Int32Array.from({ length: n }, (_, k) => k) : randomSubset(n, count, rng);
    const start = inOrder ? 0 : 13;
    rowBuffer.set(rows, start);
    const hist = histograms.acquire();
    hist.fill(Number.NaN);
    histograms.build(hist, start, start + count, inOrder, features, nActive);
    const expected = referenceHistogram(binned, gh, rows, features, nActive);
    expect(activeSlots(binned, hist, features, nActive)).toEqual(
      activeSlots(binned, expected, features, nActive),
    );
    histograms.release(hist);
  });

  it('subtracts a child from its parent slot by slot', () => {
    withHistograms(histograms, 2, ([parent, child]) => {
      rowBuffer.set(Int32Array.from({ length: n }, (_, k) => k));
      histograms.build(parent, 0, n, true, all, 7);
      histograms.build(child, 0, 1200, false, all, 7);
      const expected = Float64Array.from(parent, (v, s) => v - child[s]);
      histograms.subtract(parent, child, all, 7);
      expect(Array.from(parent)).toEqual(Array.from(expected));
    });
  });

  it('hands out no more histograms than it holds', () => {
    withHistograms(histograms, 2, () => {
      expect(() => histograms.acquire()).toThrow(MlError);
    });
  });
});

describe('XGBoost row kernels', () => {
  const n = 2000;
  const binned = binnedData(n, 3, 3);
  const workspace = new Workspace(binned, 1, 1);
  const rowBuffer = new Int32Array(workspace.buffer, workspace.rowsAt, 2 * n);
  const margin = new Float64Array(workspace.buffer, workspace.marginsAt, n);
  const rng = new Random(4);
  const rows = Int32Array.from({ length: 900 }, (_, k) => 2 * k + rng.int(2));
  const bin = (j: number, r: number) => binned.bins[j * n + r];

  it('partitions rows stably by bin ≤ split bin', () => {
    rowBuffer.set(rows, 100);
    const scratch = workspace.rowsAt + 4 * n;
    const left = workspace.kernels.partitionRows(
      workspace.rowsAt + 400,
      rows.length,
      scratch,
      workspace.binsAt + n,
      3,
    );
    const goesLeft = Array.from(rows).filter((r) => bin(1, r) <= 3);
    const goesRight = Array.from(rows).filter((r) => bin(1, r) > 3);
    expect(left).toBe(goesLeft.length);
    expect(Array.from(rowBuffer.subarray(100, 100 + left))).toEqual(goesLeft);
    expect(Array.from(rowBuffer.subarray(n, n + goesRight.length))).toEqual(goesRight);
  });

  it('sums a node’s gradient pairs in row order', () => {
    const gh = gradients(n, rng);
    new Float64Array(workspace.buffer, workspace.gradHessAt, 2 * n).set(gh);
    rowBuffer.set(rows);
    workspace.kernels.sumRows(workspace.gradHessAt, workspace.rowsAt, rows.length, workspace.resultAt);
    let g = 0;
    let h = 0;
    for (const r of rows) {
      g += gh[2 * r];
      h += gh[2 * r + 1];
    }
    expect([workspace.result[0], workspace.result[1]]).toEqual([g, h]);
  });

  it('adds leaf values to the margins of a node’s rows', () => {
    const start = Float64Array.from({ length: n }, () => rng.normal());
    margin.set(start);
    rowBuffer.set(rows);
    const k = workspace.kernels;
    k.addToRows(workspace.marginsAt, workspace.rowsAt, 450, 0.125);
    k.addSplitLeaves(
      workspace.marginsAt,
      workspace.rowsAt + 4 * 450,
      450,
      workspace.binsAt + 2 * n,
      5,
      -0.3,
      0.7,
    );
    const expected = start.slice();
    rows.forEach((r, i) => {
      expected[r] += i < 450 ? 0.125 : bin(2, r) <= 5 ? -0.3 : 0.7;
    });
    expect(Array.from(margin)).toEqual(Array.from(expected));
  });
});

/** split-search.ts's scan as the plain JS loop it replaced. */
function referenceBestSplit(
  hist: Float64Array,
  gradSum: number,
  hessSum: number,
  binned: BinnedFeatures,
  features: Int32Array,
  rule: SplitRule,
) {
  const { lambda, minChildWeight } = rule;
  const parentScore = (gradSum * gradSum) / (hessSum + lambda);
  let best = { found: false, feature: -1, bin: -1, gain: 0, gradLeft: 0, hessLeft: 0 };
  let bestRounded = 0;
  for (const j of features) {
    const base = 2 * binned.binOffset[j];
    let gl = 0;
    let hl = 0;
    for (let b = 0; b < binned.binCount[j] - 1; b++) {
      const binGrad = hist[base + 2 * b];
      const binHess = hist[base + 2 * b + 1];
      if (binHess === 0 && binGrad === 0) continue;
      gl += binGrad;
      hl += binHess;
      if (hl < minChildWeight || hl <= 0) continue;
      const hr = hessSum - hl;
      if (hr < minChildWeight || hr <= 0) break;
      const gr = gradSum - gl;
      const gain = (gl * gl) / (hl + lambda) + (gr * gr) / (hr + lambda) - parentScore;
      if (Math.fround(gain) > bestRounded) {
        bestRounded = Math.fround(gain);
        best = { found: true, feature: j, bin: b, gain, gradLeft: gl, hessLeft: hl };
      }
    }
  }
  if (best.found && (best.gain <= 1e-6 || best.gain < rule.gamma)) best.found = false;
  return best;
}

describe('XGBoost split scan kernel', () => {
  const n = 4000;
  const binned = binnedData(n, 6, 5);
  const workspace = new Workspace(binned, 1, 1);
  const histograms = new HistogramBuilder(binned, workspace, 1);
  new Int32Array(workspace.buffer, workspace.rowsAt, n).set(Int32Array.from({ length: n }, (_, k) => k));
  const features = Int32Array.from([0, 1, 2, 3, 4, 5]);
  const rng = new Random(6);

  it.each([
    { lambda: 1, gamma: 0, minChildWeight: 1 },
    { lambda: 0, gamma: 0, minChildWeight: 0 },
    { lambda: 5, gamma: 2, minChildWeight: 40 },
    { lambda: 1, gamma: 0, minChildWeight: 1e9 },
  ])('finds the split the plain scan finds, to the bit (%j)', (rule) => {
    let splits = 0;
    for (let trial = 0; trial < 5; trial++) {
      const gh = gradients(n, rng);
      histograms.setGradients(gh);
      withHistograms(histograms, 1, ([hist]) => {
        histograms.build(hist, 0, n, true, features, 6);
        let g = 0;
        let h = 0;
        for (let i = 0; i < n; i++) {
          g += gh[2 * i];
          h += gh[2 * i + 1];
        }
        const best = new SplitCandidate();
        findBestSplit(hist, g, h, binned, features, 6, rule, best, workspace);
        const expected = referenceBestSplit(hist, g, h, binned, features, rule);
        // Without a split the candidate's other fields are leftovers: only `found` counts then.
        expect(best.found).toBe(expected.found);
        if (expected.found) expect({ ...best }).toEqual(expected);
        if (best.found) splits++;
      });
    }
    expect(splits).toBe(rule.minChildWeight < n ? 5 : 0);
  });
});

describe('XGBoost wasm encoder and memory', () => {
  it('encodes constants and arithmetic a module can run', () => {
    const c = new Code(1);
    const x = c.local(I32);
    c.i32Const(-624485).localSet(x);
    c.localGet(0)
      .localGet(x)
      .i32Sub()
      .i32Const(1 << 20)
      .i32Xor();
    const bytes = encodeModule([{ name: 'f', params: [I32], results: [I32], code: c }]);
    const wasm = (globalThis as unknown as { WebAssembly: WasmForTest }).WebAssembly;
    const memory = createMemory(1);
    const instance = new wasm.Instance(new wasm.Module(bytes), { env: { memory } });
    const f = (instance.exports as { f: (v: number) => number }).f;
    expect(f(1000)).toBe(((1000 + 624485) ^ (1 << 20)) | 0);
    const min = -(2 ** 31);
    expect(f(min)).toBe(((min + 624485) ^ (1 << 20)) | 0);
  });

  it('refuses a memory beyond the 4 GiB address space with MlError', () => {
    expect(() => createMemory(5 * 2 ** 30)).toThrow(MlError);
  });
});

interface WasmForTest {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: Record<string, Record<string, unknown>>) => { exports: unknown };
}
