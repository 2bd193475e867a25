import { describe, expect, it } from 'vitest';
import type { HiddenActivation, OutputActivation } from '../../../../layers/ml/models/mlp/activations.ts';
import { Backprop } from '../../../../layers/ml/models/mlp/backprop.ts';
import { Network } from '../../../../layers/ml/models/mlp/network.ts';
import { Random } from '../../../../layers/ml/random.ts';

/**
 * The analytic gradient of `Backprop.run` (mean log-loss + L2 penalty) against central finite
 * differences on tiny networks: every activation, binary (logistic) and multiclass (softmax) outputs,
 * two hidden layers so the error is pushed back through more than one layer, and a non-zero alpha.
 */
function gradientCheck(hidden: HiddenActivation, nClasses: number, alpha: number): number {
  const rng = new Random(7);
  const nRows = 9;
  const nFeatures = 3;
  const output: OutputActivation = nClasses === 2 ? 'logistic' : 'softmax';
  const net = new Network([nFeatures, 5, 4, nClasses === 2 ? 1 : nClasses], hidden, output);
  net.initialize(rng);
  // Larger weights than the Glorot init make the check more demanding (activations away from linear).
  for (let p = 0; p < net.params.length; p++) net.params[p] *= 2;
  const x = new Float64Array(nRows * nFeatures);
  for (let i = 0; i < x.length; i++) x[i] = rng.normal();
  const y = Int32Array.from({ length: nRows }, (_, i) => i % nClasses);
  const order = Int32Array.from({ length: nRows }, (_, i) => i);

  const bp = new Backprop(net, nRows);
  bp.loadBatch(x, y, order, 0, nRows);
  bp.run(nRows, alpha);
  const analytic = bp.grad.slice();

  const h = 1e-6;
  let diffSq = 0;
  let normSq = 0;
  for (let p = 0; p < net.params.length; p++) {
    const keep = net.params[p];
    net.params[p] = keep + h;
    const up = bp.run(nRows, alpha);
    net.params[p] = keep - h;
    const down = bp.run(nRows, alpha);
    net.params[p] = keep;
    const numeric = (up - down) / (2 * h);
    diffSq += (analytic[p] - numeric) ** 2;
    normSq += Math.max(analytic[p] ** 2, numeric ** 2);
  }
  return Math.sqrt(diffSq / normSq);
}

describe('MLP backprop gradient', () => {
  const cases: [HiddenActivation, number][] = [
    ['relu', 2],
    ['relu', 3],
    ['tanh', 2],
    ['tanh', 4],
    ['logistic', 3],
    ['identity', 3],
  ];
  it.each(cases)('%s hidden units, %i classes: matches finite differences', (hidden, nClasses) => {
    expect(gradientCheck(hidden, nClasses, 0.05)).toBeLessThan(1e-6);
    expect(gradientCheck(hidden, nClasses, 0)).toBeLessThan(1e-6);
  });
});
