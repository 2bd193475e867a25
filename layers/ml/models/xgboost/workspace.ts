import type { BinnedFeatures } from './quantile-bins.ts';
import { createMemory, instantiateKernels, type Kernels } from './wasm/runtime.ts';

/**
 * The WebAssembly memory of one fit and the kernels that work in it. The data-sized loops of tree growing
 * (histogram sums, split scans, row partitions, margin updates) run there rather than as typed-array
 * loops: a (gradient, hessian) pair is one 128-bit load/add/store, and there are no bounds or detach
 * checks. The detach checks matter: once any ArrayBuffer in the process has been detached (under tsx,
 * requiring libsvm-js's emscripten glue does it; growing a wasm memory does it), V8's optimized code
 * re-checks the buffer on every typed-array access, which made the JS histogram loops up to 2×
 * slower (the whole fit about 1.35×) in a bench/ml.ts process. For the same reason this memory is sized
 * once and never grown.
 *
 * Layout (byte addresses, each region 64-byte aligned):
 *   bins       nRows·nFeatures u8, column-major (a copy of BinnedFeatures.bins)
 *   rows       2·nRows i32: the tree builder's row buffer (first half the tree's rows node by node,
 *              second half partition scratch)
 *   gradHess   2·nRows f64: the current tree's (gradient, hessian) per row
 *   gathered   2·nRows f64: the same, gathered in a node's row order
 *   margins    marginCount·nRows f64: the boosting margins the trees' leaves are added to
 *   second     one feature's histogram slots (odd-position sums)
 *   histograms `histogramCapacity` histograms of `histogramBytes` each
 *   result     a few f64 a kernel writes back (the split scan's best candidate)
 */
export class Workspace {
  readonly kernels: Kernels;
  readonly buffer: ArrayBuffer;
  readonly binsAt: number;
  readonly rowsAt: number;
  readonly gradHessAt: number;
  readonly gatheredAt: number;
  readonly marginsAt: number;
  readonly marginBytes: number;
  readonly secondAt: number;
  /** Size of `second`: the slots of the feature with the most bins. */
  readonly secondBytes: number;
  readonly histogramsAt: number;
  readonly histogramBytes: number;
  readonly resultAt: number;
  /** The `result` region as f64. */
  readonly result: Float64Array;

  constructor(binned: BinnedFeatures, histogramCapacity: number, marginCount: number) {
    const { nRows: n, nFeatures: d, binOffset, binCount } = binned;
    let widest = 1;
    for (let j = 0; j < d; j++) widest = Math.max(widest, binCount[j]);
    this.histogramBytes = 16 * binOffset[d];
    let end = 0;
    const region = (bytes: number): number => {
      const at = end;
      end = Math.ceil((at + bytes) / 64) * 64;
      return at;
    };
    this.binsAt = region(n * d);
    this.rowsAt = region(4 * 2 * n);
    this.gradHessAt = region(8 * 2 * n);
    this.gatheredAt = region(8 * 2 * n);
    this.marginBytes = 8 * marginCount * n;
    this.marginsAt = region(this.marginBytes);
    this.secondBytes = 16 * widest;
    this.secondAt = region(this.secondBytes);
    this.histogramsAt = region(this.histogramBytes * histogramCapacity);
    this.resultAt = region(RESULT_DOUBLES * 8);
    const memory = createMemory(end);
    this.kernels = instantiateKernels(memory);
    this.buffer = memory.buffer;
    new Uint8Array(this.buffer, this.binsAt, n * d).set(binned.bins);
    this.result = new Float64Array(this.buffer, this.resultAt, RESULT_DOUBLES);
  }
}

const RESULT_DOUBLES = 4;
