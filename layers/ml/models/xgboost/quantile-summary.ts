/**
 * Bin cuts of one feature, chosen as xgboost 1.7's hist method chooses them, but from the exact
 * summary of the column instead of its streaming sketch.
 *
 * xgboost summarises each column as a weighted quantile summary (each distinct value with its rank
 * range), prunes it three times — to the sketch's buffer size, to 8·max_bin entries, to max_bin + 1 —
 * and uses the surviving values after the minimum as cuts. Up to a few thousand rows its sketch holds
 * the exact summary, so these cuts are xgboost's own; on bigger data its sketch is ε-approximate
 * (ε = 1/(8·max_bin)) and ours is exact, so cuts can differ slightly. With at most max_bin distinct
 * values no pruning happens: every distinct value gets its own bin.
 *
 * The pruning follows WQSummary::SetPrune, including its float32 rank arithmetic, so that ties in the
 * choice between two neighbouring values resolve the same way.
 */
const SKETCH_FACTOR = 8;
const f32 = Math.fround;

/** A quantile summary: value i covers ranks [rmin, rmax]; wmin is the weight of the value itself. */
export interface Summary {
  size: number;
  readonly value: Float64Array;
  readonly rmin: Float64Array;
  readonly rmax: Float64Array;
  readonly wmin: Float64Array;
}

function emptySummary(capacity: number): Summary {
  return {
    size: 0,
    value: new Float64Array(capacity),
    rmin: new Float64Array(capacity),
    rmax: new Float64Array(capacity),
    wmin: new Float64Array(capacity),
  };
}

/** Reusable storage for the exact summary of columns of up to `capacity` rows. */
export function summaryScratch(capacity: number): Summary {
  return emptySummary(capacity);
}

/**
 * Returns the cuts (strictly increasing, at most maxBin − 1) of a sorted, finite, non-empty column.
 * `scratch` (from summaryScratch, at least the column's length) is overwritten.
 */
export function chooseCuts(
  sorted: Float64Array,
  maxBin: number,
  scratch = summaryScratch(sorted.length),
): Float64Array {
  const n = sorted.length;
  let summary = exactSummary(sorted, scratch);
  const nBins = Math.min(maxBin, n);
  summary = prune(summary, sketchLimit(n, nBins));
  const intermediate = Math.min(n, maxBin * SKETCH_FACTOR);
  summary = prune(summary, intermediate);
  const maxNumBins = Math.min(intermediate, maxBin);
  summary = prune(summary, maxNumBins + 1);
  const required = Math.min(summary.size, maxNumBins);
  const cuts: number[] = [];
  for (let i = 1; i < required; i++) {
    const v = summary.value[i];
    if (cuts.length === 0 || v > cuts[cuts.length - 1]) cuts.push(v);
  }
  return Float64Array.from(cuts);
}

function exactSummary(sorted: Float64Array, s: Summary): Summary {
  const n = sorted.length;
  s.size = 0;
  let i = 0;
  while (i < n) {
    let j = i + 1;
    while (j < n && sorted[j] === sorted[i]) j++;
    const k = s.size++;
    s.value[k] = sorted[i];
    s.rmin[k] = i;
    s.rmax[k] = j;
    s.wmin[k] = j - i;
    i = j;
  }
  return s;
}

/** The sketch's summary size: WQuantileSketch::Init's limit_size for maxn = n, eps = 1/(8·nBins). */
function sketchLimit(n: number, nBins: number): number {
  const perLevel = nBins * SKETCH_FACTOR;
  for (let level = 1; ; level++) {
    const limit = Math.min(n, Math.ceil(level * perLevel) + 1);
    if (2 ** level * limit >= n) return limit;
  }
}

/** WQSummary::SetPrune: keeps at most maxSize entries, spread evenly over the rank range. */
function prune(src: Summary, maxSize: number): Summary {
  if (src.size <= maxSize) return src;
  const out = emptySummary(maxSize);
  const copy = (i: number): void => {
    const k = out.size++;
    out.value[k] = src.value[i];
    out.rmin[k] = src.rmin[i];
    out.rmax[k] = src.rmax[i];
    out.wmin[k] = src.wmin[i];
  };
  const last = src.size - 1;
  const begin = src.rmax[0];
  const range = f32(src.rmin[last] - src.rmax[0]);
  const n = maxSize - 1;
  copy(0);
  let i = 1;
  let lastIdx = 0;
  for (let k = 1; k < n; k++) {
    const dx2 = f32(2 * f32(f32(f32(k * range) / n) + begin));
    while (i < last && dx2 >= f32(src.rmax[i + 1] + src.rmin[i + 1])) i++;
    if (i === last) break;
    const rminNext = f32(src.rmin[i] + src.wmin[i]);
    const rmaxPrev = f32(src.rmax[i + 1] - src.wmin[i + 1]);
    if (dx2 < f32(rminNext + rmaxPrev)) {
      if (i !== lastIdx) {
        copy(i);
        lastIdx = i;
      }
    } else if (i + 1 !== lastIdx) {
      copy(i + 1);
      lastIdx = i + 1;
    }
  }
  if (lastIdx !== last) copy(last);
  return out;
}
