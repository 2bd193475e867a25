import type { Random } from '../../random.ts';
import { Adam } from './adam.ts';
import { Backprop } from './backprop.ts';
import type { Network } from './network.ts';

export interface TrainOptions {
  readonly alpha: number;
  /** Rows per mini-batch (already resolved from 'auto' and clipped to the row count). */
  readonly batchSize: number;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly maxIter: number;
  readonly tol: number;
  readonly nIterNoChange: number;
  readonly shuffle: boolean;
}

export interface TrainResult {
  /** Epochs run (scikit-learn's n_iter_). */
  readonly nIter: number;
  /** Mean training loss of the last epoch (scikit-learn's loss_). */
  readonly loss: number;
}

/**
 * Mini-batch Adam over the row-major `x` (n × sizes[0]), as scikit-learn's `_fit_stochastic` without
 * early_stopping: each epoch reshuffles the sample order, and training stops once the epoch loss has
 * failed to improve on the best loss by `tol` for more than `nIterNoChange` consecutive epochs.
 */
export function train(
  net: Network,
  x: Float64Array,
  y: Int32Array,
  opts: TrainOptions,
  rng: Random,
): TrainResult {
  const n = y.length;
  const backprop = new Backprop(net, opts.batchSize);
  const adam = new Adam(net.params.length, opts.learningRate, opts.beta1, opts.beta2, opts.epsilon);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let bestLoss = Number.POSITIVE_INFINITY;
  let noImprovement = 0;
  let loss = Number.NaN;
  let nIter = 0;
  while (nIter < opts.maxIter) {
    if (opts.shuffle) rng.shuffle(order);
    let accumulated = 0;
    for (let start = 0; start < n; start += opts.batchSize) {
      const count = Math.min(opts.batchSize, n - start);
      backprop.loadBatch(x, y, order, start, count);
      accumulated += backprop.run(count, opts.alpha) * count;
      adam.step(net.params, backprop.grad);
    }
    nIter++;
    loss = accumulated / n;
    if (loss > bestLoss - opts.tol) noImprovement++;
    else noImprovement = 0;
    if (loss < bestLoss) bestLoss = loss;
    if (noImprovement > opts.nIterNoChange) break;
  }
  return { nIter, loss };
}
