import { multiplyByDerivative } from './activations.ts';
import { backpropDelta, biasGradient, weightGradient } from './kernels.ts';
import { Network } from './network.ts';

/** scikit-learn clips probabilities to [eps, 1 - eps] (float64 machine epsilon) before taking logs. */
const EPS = Number.EPSILON;

/**
 * Loss and gradient of one mini-batch, as scikit-learn's `_backprop`: mean log-loss plus
 * `0.5 · alpha · ‖W‖² / batchSize`, gradients `(aᵀδ + alpha·W) / batchSize` and `mean(δ)`. Every buffer
 * is sized for the largest batch once, so training allocates nothing per step.
 */
export class Backprop {
  readonly net: Network;
  readonly maxBatch: number;
  /** acts[0] is the input batch; acts[l] the activations of layer l. */
  readonly acts: Float64Array[];
  /** deltas[l]: loss gradient w.r.t. the pre-activation outputs of weight layer l. */
  readonly deltas: Float64Array[];
  /** Gradient in the network's parameter layout. */
  readonly grad: Float64Array;
  private readonly coefGrads: Float64Array[];
  private readonly interceptGrads: Float64Array[];
  private readonly labels: Int32Array;

  constructor(net: Network, maxBatch: number) {
    this.net = net;
    this.maxBatch = maxBatch;
    this.acts = net.allocateActivations(maxBatch);
    this.deltas = net.sizes.slice(1).map((units) => new Float64Array(maxBatch * units));
    this.grad = new Float64Array(net.params.length);
    // A Network over the gradient buffer gives per-layer views in the parameters' own layout.
    const layout = new Network(net.sizes, net.hidden, net.output, this.grad);
    this.coefGrads = layout.coefs.slice();
    this.interceptGrads = layout.intercepts.slice();
    this.labels = new Int32Array(maxBatch);
  }

  /** Copies rows `order[start … start+count)` of the row-major `x` (and their labels) into the batch. */
  loadBatch(x: Float64Array, y: Int32Array, order: Int32Array, start: number, count: number): void {
    const d = this.net.sizes[0];
    const input = this.acts[0];
    for (let r = 0; r < count; r++) {
      const src = order[start + r] * d;
      const dst = r * d;
      for (let j = 0; j < d; j++) input[dst + j] = x[src + j];
      this.labels[r] = y[order[start + r]];
    }
  }

  /** Forward and backward pass over the loaded `count` rows; fills `grad` and returns the batch loss. */
  run(count: number, alpha: number): number {
    const net = this.net;
    const sizes = net.sizes;
    const last = net.nLayers - 1;
    const out = net.forward(this.acts, count);
    const width = sizes[last + 1];
    const delta = this.deltas[last];
    let loss = 0;
    if (net.output === 'logistic') {
      for (let i = 0; i < count; i++) {
        const p = Math.min(Math.max(out[i], EPS), 1 - EPS);
        const positive = this.labels[i] === 1;
        loss -= Math.log(positive ? p : 1 - p);
        delta[i] = out[i] - (positive ? 1 : 0);
      }
    } else {
      for (let i = 0; i < count; i++) {
        const o = i * width;
        const yi = this.labels[i];
        loss -= Math.log(Math.min(Math.max(out[o + yi], EPS), 1 - EPS));
        for (let c = 0; c < width; c++) delta[o + c] = out[o + c];
        delta[o + yi] -= 1;
      }
    }
    loss /= count;
    const params = net.params;
    const nCoefs = net.nCoefs;
    let sumSq = 0;
    for (let p = 0; p < nCoefs; p++) sumSq += params[p] * params[p];
    loss += (0.5 * alpha * sumSq) / count;

    const invCount = 1 / count;
    for (let l = last; l >= 0; l--) {
      const nIn = sizes[l];
      const nOut = sizes[l + 1];
      const gW = this.coefGrads[l];
      const W = net.coefs[l];
      weightGradient(this.acts[l], this.deltas[l], count, nIn, nOut, gW);
      for (let p = 0; p < gW.length; p++) gW[p] = (gW[p] + alpha * W[p]) * invCount;
      const gb = this.interceptGrads[l];
      biasGradient(this.deltas[l], count, nOut, gb);
      for (let j = 0; j < nOut; j++) gb[j] *= invCount;
      if (l > 0) {
        const relu = net.hidden === 'relu';
        backpropDelta(this.deltas[l], count, nOut, W, nIn, this.deltas[l - 1], this.acts[l], relu);
        multiplyByDerivative(net.hidden, this.acts[l], this.deltas[l - 1], count * nIn);
      }
    }
    return loss;
  }
}
