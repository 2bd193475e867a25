/**
 * Dense kernels for the MLP on row-major Float64Arrays. They write into caller-owned buffers and never
 * allocate, so a whole fit reuses the buffers preallocated for the largest batch.
 *
 * Layout: a batch is `nRows × width` row-major; a weight matrix is `nIn × nOut` row-major (as
 * scikit-learn's `coefs_[i]`), so row k holds the weights leaving input unit k.
 *
 * The products are register-blocked: each inner loop keeps a 2×4 tile of sums in locals, so every
 * value loaded from memory feeds two or four multiply-adds. On V8 that is about twice as fast as the
 * plain i-k-j loop, whose inner loop loads and stores the output row for every input.
 */

/** Below this many outputs, a layer is "narrow" (the binary logistic unit, few-class softmax). */
const NARROW = 4;

/** (v + |v|) / 2 is max(v, 0) exactly, without the branch that mispredicts on half the ReLU units. */
function rectify(v: number, relu: boolean): number {
  return relu ? (v + Math.abs(v)) * 0.5 : v;
}

/** `out = input · W + b` for `nRows` rows, passed through ReLU when `relu` is set (saves a pass). */
export function affine(
  input: Float64Array,
  nRows: number,
  nIn: number,
  W: Float64Array,
  b: Float64Array,
  out: Float64Array,
  nOut: number,
  relu: boolean,
): void {
  if (nOut === 1) {
    affineSingle(input, nRows, nIn, W, b[0], out, relu);
    return;
  }
  const jEnd = nOut - (nOut % 4);
  let i = 0;
  for (; i + 1 < nRows; i += 2) {
    const x0 = i * nIn;
    const x1 = x0 + nIn;
    const o0 = i * nOut;
    const o1 = o0 + nOut;
    let j = 0;
    for (; j < jEnd; j += 4) {
      let s0 = b[j];
      let s1 = b[j + 1];
      let s2 = b[j + 2];
      let s3 = b[j + 3];
      let t0 = s0;
      let t1 = s1;
      let t2 = s2;
      let t3 = s3;
      for (let k = 0, w = j; k < nIn; k++, w += nOut) {
        const u = input[x0 + k];
        const v = input[x1 + k];
        const w0 = W[w];
        const w1 = W[w + 1];
        const w2 = W[w + 2];
        const w3 = W[w + 3];
        s0 += u * w0;
        s1 += u * w1;
        s2 += u * w2;
        s3 += u * w3;
        t0 += v * w0;
        t1 += v * w1;
        t2 += v * w2;
        t3 += v * w3;
      }
      out[o0 + j] = rectify(s0, relu);
      out[o0 + j + 1] = rectify(s1, relu);
      out[o0 + j + 2] = rectify(s2, relu);
      out[o0 + j + 3] = rectify(s3, relu);
      out[o1 + j] = rectify(t0, relu);
      out[o1 + j + 1] = rectify(t1, relu);
      out[o1 + j + 2] = rectify(t2, relu);
      out[o1 + j + 3] = rectify(t3, relu);
    }
    for (; j < nOut; j++) {
      let s = b[j];
      let t = s;
      for (let k = 0, w = j; k < nIn; k++, w += nOut) {
        s += input[x0 + k] * W[w];
        t += input[x1 + k] * W[w];
      }
      out[o0 + j] = rectify(s, relu);
      out[o1 + j] = rectify(t, relu);
    }
  }
  if (i < nRows) affineRow(input, i, nIn, W, b, out, nOut, relu);
}

/** `affine` with one output (the binary logistic unit): a dot product per row, four partial sums. */
function affineSingle(
  input: Float64Array,
  nRows: number,
  nIn: number,
  w: Float64Array,
  bias: number,
  out: Float64Array,
  relu: boolean,
): void {
  const kEnd = nIn - (nIn % 4);
  for (let i = 0; i < nRows; i++) {
    const x = i * nIn;
    let s0 = bias;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    let k = 0;
    for (; k < kEnd; k += 4) {
      s0 += input[x + k] * w[k];
      s1 += input[x + k + 1] * w[k + 1];
      s2 += input[x + k + 2] * w[k + 2];
      s3 += input[x + k + 3] * w[k + 3];
    }
    for (; k < nIn; k++) s0 += input[x + k] * w[k];
    out[i] = rectify(s0 + s1 + s2 + s3, relu);
  }
}

/** One row of `affine` (the odd last row of a batch, or serving a single row). */
function affineRow(
  input: Float64Array,
  i: number,
  nIn: number,
  W: Float64Array,
  b: Float64Array,
  out: Float64Array,
  nOut: number,
  relu: boolean,
): void {
  const x = i * nIn;
  const o = i * nOut;
  const jEnd = nOut - (nOut % 4);
  let j = 0;
  for (; j < jEnd; j += 4) {
    let s0 = b[j];
    let s1 = b[j + 1];
    let s2 = b[j + 2];
    let s3 = b[j + 3];
    for (let k = 0, w = j; k < nIn; k++, w += nOut) {
      const u = input[x + k];
      s0 += u * W[w];
      s1 += u * W[w + 1];
      s2 += u * W[w + 2];
      s3 += u * W[w + 3];
    }
    out[o + j] = rectify(s0, relu);
    out[o + j + 1] = rectify(s1, relu);
    out[o + j + 2] = rectify(s2, relu);
    out[o + j + 3] = rectify(s3, relu);
  }
  for (; j < nOut; j++) {
    let s = b[j];
    for (let k = 0, w = j; k < nIn; k++, w += nOut) s += input[x + k] * W[w];
    out[o + j] = rectify(s, relu);
  }
}

/** `gW = inputᵀ · delta` (overwrites gW, `nIn × nOut`). */
export function weightGradient(
  input: Float64Array,
  delta: Float64Array,
  nRows: number,
  nIn: number,
  nOut: number,
  gW: Float64Array,
): void {
  if (nOut === 1) {
    weightGradientSingle(input, delta, nRows, nIn, gW);
    return;
  }
  if (nOut < NARROW) {
    // Few outputs: one contiguous axpy over the inputs per row and output.
    gW.fill(0, 0, nIn * nOut);
    for (let i = 0; i < nRows; i++) {
      const x = i * nIn;
      for (let j = 0; j < nOut; j++) {
        const d = delta[i * nOut + j];
        for (let k = 0, g = j; k < nIn; k++, g += nOut) gW[g] += input[x + k] * d;
      }
    }
    return;
  }
  // A 2 (inputs) × 4 (outputs) tile of sums over the batch rows.
  const jEnd = nOut - (nOut % 4);
  let k = 0;
  for (; k + 1 < nIn; k += 2) {
    let j = 0;
    for (; j < jEnd; j += 4) {
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t0 = 0;
      let t1 = 0;
      let t2 = 0;
      let t3 = 0;
      for (let i = 0, x = k, d = j; i < nRows; i++, x += nIn, d += nOut) {
        const u = input[x];
        const v = input[x + 1];
        const e0 = delta[d];
        const e1 = delta[d + 1];
        const e2 = delta[d + 2];
        const e3 = delta[d + 3];
        s0 += u * e0;
        s1 += u * e1;
        s2 += u * e2;
        s3 += u * e3;
        t0 += v * e0;
        t1 += v * e1;
        t2 += v * e2;
        t3 += v * e3;
      }
      const g0 = k * nOut + j;
      const g1 = g0 + nOut;
      gW[g0] = s0;
      gW[g0 + 1] = s1;
      gW[g0 + 2] = s2;
      gW[g0 + 3] = s3;
      gW[g1] = t0;
      gW[g1 + 1] = t1;
      gW[g1 + 2] = t2;
      gW[g1 + 3] = t3;
    }
    for (; j < nOut; j++) {
      let s = 0;
      let t = 0;
      for (let i = 0, x = k, d = j; i < nRows; i++, x += nIn, d += nOut) {
        s += input[x] * delta[d];
        t += input[x + 1] * delta[d];
      }
      gW[k * nOut + j] = s;
      gW[(k + 1) * nOut + j] = t;
    }
  }
  for (; k < nIn; k++) {
    for (let j = 0; j < nOut; j++) {
      let s = 0;
      for (let i = 0, x = k, d = j; i < nRows; i++, x += nIn, d += nOut) s += input[x] * delta[d];
      gW[k * nOut + j] = s;
    }
  }
}

/** `weightGradient` with one output: `gW = Σ_i delta[i] · input row i`, four rows per pass over gW. */
function weightGradientSingle(
  input: Float64Array,
  delta: Float64Array,
  nRows: number,
  nIn: number,
  gW: Float64Array,
): void {
  gW.fill(0, 0, nIn);
  const iEnd = nRows - (nRows % 4);
  let i = 0;
  for (; i < iEnd; i += 4) {
    const d0 = delta[i];
    const d1 = delta[i + 1];
    const d2 = delta[i + 2];
    const d3 = delta[i + 3];
    const x0 = i * nIn;
    const x1 = x0 + nIn;
    const x2 = x1 + nIn;
    const x3 = x2 + nIn;
    for (let k = 0; k < nIn; k++) {
      gW[k] += input[x0 + k] * d0 + input[x1 + k] * d1 + input[x2 + k] * d2 + input[x3 + k] * d3;
    }
  }
  for (; i < nRows; i++) {
    const d = delta[i];
    const x = i * nIn;
    for (let k = 0; k < nIn; k++) gW[k] += input[x + k] * d;
  }
}

/** `gb = column sums of delta` (the caller divides by the batch size). */
export function biasGradient(delta: Float64Array, nRows: number, nOut: number, gb: Float64Array): void {
  gb.fill(0, 0, nOut);
  const iEnd = nRows - (nRows % 4);
  let i = 0;
  for (; i < iEnd; i += 4) {
    const d0 = i * nOut;
    const d1 = d0 + nOut;
    const d2 = d1 + nOut;
    const d3 = d2 + nOut;
    for (let j = 0; j < nOut; j++) gb[j] += delta[d0 + j] + delta[d1 + j] + delta[d2 + j] + delta[d3 + j];
  }
  for (; i < nRows; i++) {
    const d = i * nOut;
    for (let j = 0; j < nOut; j++) gb[j] += delta[d + j];
  }
}

/**
 * `prev = delta · Wᵀ`, the error pushed back to the previous layer (`nRows × nIn`). With `reluMask`
 * set, entries whose activation is 0 (ReLU units that were off) come out 0, which is ReLU's derivative
 * applied in the same pass.
 */
export function backpropDelta(
  delta: Float64Array,
  nRows: number,
  nOut: number,
  W: Float64Array,
  nIn: number,
  prev: Float64Array,
  activation: Float64Array,
  reluMask: boolean,
): void {
  if (nOut === 1) {
    // The binary logistic output: each row's error is one number scaled by the weight column.
    for (let i = 0; i < nRows; i++) {
      const p = i * nIn;
      const d = delta[i];
      if (reluMask) for (let k = 0; k < nIn; k++) prev[p + k] = d * W[k] * Number(activation[p + k] > 0);
      else for (let k = 0; k < nIn; k++) prev[p + k] = d * W[k];
    }
    return;
  }
  if (nOut < NARROW) {
    for (let i = 0; i < nRows; i++) {
      const p = i * nIn;
      const d = i * nOut;
      for (let k = 0; k < nIn; k++) {
        let s = 0;
        for (let j = 0, w = k * nOut; j < nOut; j++) s += delta[d + j] * W[w + j];
        // Number(bool) compiles without a branch; ReLU on/off is a coin flip the predictor cannot learn.
        prev[p + k] = reluMask ? s * Number(activation[p + k] > 0) : s;
      }
    }
    return;
  }
  const jEnd = nOut - (nOut % 4);
  for (let i = 0; i < nRows; i++) {
    const p = i * nIn;
    const d = i * nOut;
    for (let k = 0; k < nIn; k++) {
      // A wide dot product costs more than a mispredicted branch, so skip the units that were off.
      if (reluMask && activation[p + k] === 0) {
        prev[p + k] = 0;
        continue;
      }
      const w = k * nOut;
      let s0 = 0;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let j = 0;
      for (; j < jEnd; j += 4) {
        s0 += delta[d + j] * W[w + j];
        s1 += delta[d + j + 1] * W[w + j + 1];
        s2 += delta[d + j + 2] * W[w + j + 2];
        s3 += delta[d + j + 3] * W[w + j + 3];
      }
      for (; j < nOut; j++) s0 += delta[d + j] * W[w + j];
      prev[p + k] = s0 + s1 + s2 + s3;
    }
  }
}
