import { MlError } from '../../errors.ts';
import type { BinnedFeatures } from './quantile-bins.ts';
import type { Workspace } from './workspace.ts';

/**
 * Gradient/hessian histograms of tree nodes, summed by the workspace's WebAssembly kernels. Slot
 * `binOffset[j] + b` of a histogram holds the sums over a node's rows whose feature j falls in bin b:
 * gradient at 2·slot, hessian at 2·slot + 1. Histograms are Float64Array views on the workspace memory,
 * handed out by acquire/release (the split search reads them directly).
 *
 * Summation order is that of the JS kernels this replaced, so trees are unchanged to the last bit: rows
 * in node order; in nodes of at least TWO_ROW_MIN rows, even positions and odd positions summed
 * separately and then added, except for the last nActive mod 4 features, summed in one pass (the JS
 * kernels walked features four at a time and summed the leftovers one row at a time).
 */
export class HistogramBuilder {
  /** Doubles per histogram. */
  readonly size: number;
  private readonly binned: BinnedFeatures;
  private readonly workspace: Workspace;
  private readonly gradHess: Float64Array;
  /** One feature's worth of the odd-position sums. */
  private readonly second: Float64Array;
  private readonly free: Float64Array[] = [];

  /** `capacity`: the most histograms alive at once (acquired and not released), as the workspace holds. */
  constructor(binned: BinnedFeatures, workspace: Workspace, capacity: number) {
    const { nRows: n, binOffset, nFeatures: d } = binned;
    this.binned = binned;
    this.workspace = workspace;
    this.size = 2 * binOffset[d];
    const { buffer, histogramsAt, histogramBytes } = workspace;
    this.gradHess = new Float64Array(buffer, workspace.gradHessAt, 2 * n);
    this.second = new Float64Array(buffer, workspace.secondAt, workspace.secondBytes / 8);
    for (let i = capacity - 1; i >= 0; i--) {
      this.free.push(new Float64Array(buffer, histogramsAt + histogramBytes * i, this.size));
    }
  }

  /** Takes the gradients of the next tree (interleaved per row, as the objectives write them). */
  setGradients(gradHess: Float64Array): void {
    this.gradHess.set(gradHess);
  }

  acquire(): Float64Array {
    const hist = this.free.pop();
    if (hist === undefined)
      throw new MlError('XGBoost: more node histograms alive than the tree depth allows');
    return hist;
  }

  release(hist: Float64Array): void {
    this.free.push(hist);
  }

  /**
   * Fills `hist` (from acquire) from the workspace rows [start..end) over the given features (other
   * features' slots are left stale). `allRowsInOrder` says those rows are exactly 0..nRows-1.
   */
  build(
    hist: Float64Array,
    start: number,
    end: number,
    allRowsInOrder: boolean,
    features: Int32Array,
    nActive: number,
  ): void {
    const { binCount, nRows: n } = this.binned;
    const { kernels: k, binsAt, rowsAt, gradHessAt, gatheredAt, secondAt: second } = this.workspace;
    const count = end - start;
    const split = count >= TWO_ROW_MIN;
    const grouped = nActive - (nActive % 4);
    const rows = rowsAt + 4 * start;
    let gh = gradHessAt;
    if (!allRowsInOrder) {
      // Gradients in node order: every feature pass then reads them sequentially.
      k.gather(gatheredAt, gradHessAt, rows, count);
      gh = gatheredAt;
    }
    for (let a = 0; a < nActive; a++) {
      const j = features[a];
      const at = this.zero(hist, j);
      const col = binsAt + j * n;
      if (split && a < grouped) {
        this.second.fill(0, 0, 2 * binCount[j]);
        if (allRowsInOrder) k.addOrderedSplit(at, second, col, gh, count);
        else k.addRowsSplit(at, second, col, gh, rows, count);
        k.addInto(at, second, 16 * binCount[j]);
      } else if (allRowsInOrder) {
        k.addOrdered(at, col, gh, count);
      } else {
        k.addRows(at, col, gh, rows, count);
      }
    }
  }

  /** Zeroes feature j's slots of `hist` and returns their byte address. */
  private zero(hist: Float64Array, j: number): number {
    const first = 2 * this.binned.binOffset[j];
    hist.fill(0, first, first + 2 * this.binned.binCount[j]);
    return hist.byteOffset + 8 * first;
  }

  /** parent ← parent − child over the given features: the sibling's histogram without touching its rows. */
  subtract(parent: Float64Array, child: Float64Array, features: Int32Array, nActive: number): void {
    const { binOffset, binCount } = this.binned;
    for (let a = 0; a < nActive; a++) {
      const j = features[a];
      const offset = 16 * binOffset[j];
      this.workspace.kernels.subtractFrom(
        parent.byteOffset + offset,
        child.byteOffset + offset,
        16 * binCount[j],
      );
    }
  }
}

/** Below this many rows the odd-position pass costs more than it saves. */
const TWO_ROW_MIN = 1024;
