import type { Random } from '../../random.ts';
import type { HiddenActivation, OutputActivation } from './activations.ts';
import { activateInPlace, outputInPlace } from './activations.ts';
import { affine } from './kernels.ts';

/**
 * The weights of a fully connected network, all in one flat buffer laid out as scikit-learn's `_pack`:
 * every layer's `nIn × nOut` row-major coefficient matrix, then every layer's intercepts. The optimizer
 * and the gradient use the same layout, so an Adam step is one loop over one array.
 */
export class Network {
  /** Units per layer: inputs, hidden layers…, outputs. */
  readonly sizes: readonly number[];
  readonly hidden: HiddenActivation;
  readonly output: OutputActivation;
  readonly params: Float64Array;
  readonly coefs: readonly Float64Array[];
  readonly intercepts: readonly Float64Array[];
  /** Number of coefficient entries (the L2 penalty covers these, not the intercepts). */
  readonly nCoefs: number;

  constructor(
    sizes: readonly number[],
    hidden: HiddenActivation,
    output: OutputActivation,
    params?: Float64Array,
  ) {
    this.sizes = sizes.slice();
    this.hidden = hidden;
    this.output = output;
    const layout = paramLayout(sizes);
    this.nCoefs = layout.nCoefs;
    this.params = params ?? new Float64Array(layout.total);
    if (this.params.length !== layout.total) {
      throw new RangeError(`Network: expected ${layout.total} parameters, got ${this.params.length}`);
    }
    this.coefs = viewsOf(this.params, layout.coefRanges);
    this.intercepts = viewsOf(this.params, layout.interceptRanges);
  }

  get nLayers(): number {
    return this.sizes.length - 1;
  }

  /**
   * Glorot-uniform initialisation as scikit-learn's `_init_coef`: per layer, the coefficients then the
   * intercepts drawn from U(-bound, bound), bound = sqrt(6 / (fan_in + fan_out)), or sqrt(2 / …) when
   * the hidden activation is logistic.
   */
  initialize(rng: Random): void {
    const factor = this.hidden === 'logistic' ? 2 : 6;
    for (let l = 0; l < this.nLayers; l++) {
      const bound = Math.sqrt(factor / (this.sizes[l] + this.sizes[l + 1]));
      for (const v of [this.coefs[l], this.intercepts[l]]) {
        for (let i = 0; i < v.length; i++) v[i] = (rng.next() * 2 - 1) * bound;
      }
    }
  }

  /**
   * Forward pass over `nRows` rows whose row-major inputs are already in `acts[0]`; fills every layer's
   * activations (`acts[l]` holds at least `nRows × sizes[l]` values) and returns the output buffer.
   */
  forward(acts: readonly Float64Array[], nRows: number): Float64Array {
    const last = this.nLayers - 1;
    for (let l = 0; l <= last; l++) {
      const nOut = this.sizes[l + 1];
      const relu = l < last && this.hidden === 'relu';
      affine(acts[l], nRows, this.sizes[l], this.coefs[l], this.intercepts[l], acts[l + 1], nOut, relu);
      if (l === last) outputInPlace(this.output, acts[l + 1], nRows, nOut);
      else if (!relu) activateInPlace(this.hidden, acts[l + 1], nRows * nOut);
    }
    return acts[last + 1];
  }

  /** Buffers for a forward pass of up to `maxRows` rows: one per layer, inputs included. */
  allocateActivations(maxRows: number): Float64Array[] {
    return this.sizes.map((units) => new Float64Array(maxRows * units));
  }
}

interface ParamLayout {
  readonly total: number;
  readonly nCoefs: number;
  readonly coefRanges: readonly (readonly [number, number])[];
  readonly interceptRanges: readonly (readonly [number, number])[];
}

function paramLayout(sizes: readonly number[]): ParamLayout {
  const coefRanges: [number, number][] = [];
  const interceptRanges: [number, number][] = [];
  let at = 0;
  for (let l = 0; l + 1 < sizes.length; l++) {
    coefRanges.push([at, at + sizes[l] * sizes[l + 1]]);
    at += sizes[l] * sizes[l + 1];
  }
  const nCoefs = at;
  for (let l = 0; l + 1 < sizes.length; l++) {
    interceptRanges.push([at, at + sizes[l + 1]]);
    at += sizes[l + 1];
  }
  return { total: at, nCoefs, coefRanges, interceptRanges };
}

function viewsOf(buffer: Float64Array, ranges: readonly (readonly [number, number])[]): Float64Array[] {
  return ranges.map(([start, end]) => buffer.subarray(start, end));
}

/** Number of parameters of a network with these layer sizes (for validating serialized weights). */
export function parameterCount(sizes: readonly number[]): number {
  return paramLayout(sizes).total;
}
