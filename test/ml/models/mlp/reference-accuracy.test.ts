import { describe, expect, it } from 'vitest';
import type { LabelledMatrix } from '../../../../layers/ml/data/matrix.ts';
import { mlpParamsSchema, mlpSpec } from '../../../../layers/ml/models/mlp.ts';
import { referenceSplits } from '../../../support/datasets.ts';

/**
 * Test accuracy against scikit-learn 1.2's MLPClassifier on the same matrices (random_state=42), for
 * hidden_layer_sizes ∈ {[50],[100]} × alpha ∈ {1e-4, 1e-3}. Produced once with:
 *
 *   npx tsx test/reference/export.ts
 *   for d in penguins seattle-weather cars; do OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 \
 *     /usr/bin/python3 test/reference/sklearn_models.py /tmp/synergy-ref/$d \
 *     '[{"model":"MLP","params":{"hidden_layer_sizes":[50],"alpha":0.0001}},
 *       {"model":"MLP","params":{"hidden_layer_sizes":[50],"alpha":0.001}},
 *       {"model":"MLP","params":{"hidden_layer_sizes":[100],"alpha":0.0001}},
 *       {"model":"MLP","params":{"hidden_layer_sizes":[100],"alpha":0.001}}]'; done
 */
const SKLEARN_RS42: Record<string, Record<string, number>> = {
  penguins: { '50/0.0001': 1.0, '50/0.001': 1.0, '100/0.0001': 1.0, '100/0.001': 1.0 },
  'seattle-weather': {
    '50/0.0001': 0.8013698630136986,
    '50/0.001': 0.8013698630136986,
    '100/0.0001': 0.8116438356164384,
    '100/0.001': 0.8116438356164384,
  },
  cars: {
    '50/0.0001': 0.6962025316455697,
    '50/0.001': 0.6962025316455697,
    '100/0.0001': 0.6962025316455697,
    '100/0.001': 0.6962025316455697,
  },
};

/**
 * cars with hidden_layer_sizes [50]: one seed of ours is 2.5 points below scikit-learn's random_state=42
 * figure, but that figure is the top of scikit-learn's own spread. Over random_state 0..9 scikit-learn
 * scores 51, 55, 55, 54, 55, 51, 51, 52, 52, 54 of the 79 test rows (64.6%–69.6%, mean 67.1%) at both
 * alphas, i.e. one test row is 1.3 points and init variance alone moves it by 5 points. So there we
 * compare means over ten seeds instead. Produced with:
 *
 *   OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 test/reference/sklearn_models.py \
 *     /tmp/synergy-ref/cars "$(/usr/bin/python3 -c 'import json; print(json.dumps([{"model":"MLP",
 *     "params":{"hidden_layer_sizes":[50],"alpha":a,"random_state":r}} for a in (0.0001,0.001)
 *     for r in range(10)]))')"
 */
const SKLEARN_CARS_50_RS0_9 = [51, 55, 55, 54, 55, 51, 51, 52, 52, 54].map((correct) => correct / 79);
const SEED_AVERAGED = new Set(['cars 50/0.0001', 'cars 50/0.001']);

const TOLERANCE = 0.02;

function accuracy(hidden: number, alpha: number, seed: number, train: LabelledMatrix, test: LabelledMatrix) {
  const model = mlpSpec.create(mlpParamsSchema.parse({ hidden_layer_sizes: [hidden], alpha }), seed);
  model.fit(train);
  const pred = model.predict(test);
  let correct = 0;
  for (let i = 0; i < test.nRows; i++) if (pred[i] === test.y[i]) correct++;
  return correct / test.nRows;
}

const mean = (xs: number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;

describe('MLP accuracy vs scikit-learn MLPClassifier on real data', () => {
  for (const [name, load] of Object.entries(referenceSplits)) {
    const split = load();
    for (const hidden of [50, 100]) {
      for (const alpha of [1e-4, 1e-3]) {
        const key = `${hidden}/${alpha}`;
        if (SEED_AVERAGED.has(`${name} ${key}`)) {
          it(`${name} [${hidden}] alpha=${alpha}: mean over seeds 0..9 within 2 points of scikit-learn's`, () => {
            const ours = Array.from({ length: 10 }, (_, seed) =>
              accuracy(hidden, alpha, seed, split.train, split.test),
            );
            expect(Math.abs(mean(ours) - mean(SKLEARN_CARS_50_RS0_9))).toBeLessThanOrEqual(TOLERANCE);
            // And our seed 42 lies inside scikit-learn's own random_state spread.
            const ours42 = accuracy(hidden, alpha, 42, split.train, split.test);
            expect(ours42).toBeGreaterThanOrEqual(Math.min(...SKLEARN_CARS_50_RS0_9));
            expect(ours42).toBeLessThanOrEqual(Math.max(...SKLEARN_CARS_50_RS0_9));
          });
        } else {
          it(`${name} [${hidden}] alpha=${alpha}: within 2 points of scikit-learn`, () => {
            const ours = accuracy(hidden, alpha, 42, split.train, split.test);
            expect(Math.abs(ours - SKLEARN_RS42[name][key])).toBeLessThanOrEqual(TOLERANCE + 1e-12);
          });
        }
      }
    }
  }
});
