import { describe, expect, it } from 'vitest';
import { minimizeLbfgs } from '../../../../layers/ml/models/linear/lbfgs.ts';

describe('minimizeLbfgs', () => {
  it('finds the minimum of an ill-conditioned quadratic', () => {
    const scales = [1, 10, 100, 1000];
    const target = [3, -2, 0.5, 7];
    const result = minimizeLbfgs(
      (x, g) => {
        let f = 0;
        for (let i = 0; i < x.length; i++) {
          const r = x[i] - target[i];
          f += 0.5 * scales[i] * r * r;
          g[i] = scales[i] * r;
        }
        return f;
      },
      new Float64Array(4),
      { maxIter: 200, gtol: 1e-10, ftol: 0 },
    );
    expect(result.converged).toBe(true);
    for (let i = 0; i < 4; i++) expect(result.x[i]).toBeCloseTo(target[i], 8);
  });

  it('solves the Rosenbrock function from the classic start', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        const [a, b] = [x[0], x[1]];
        g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
        g[1] = 200 * (b - a * a);
        return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
      },
      Float64Array.from([-1.2, 1]),
      { maxIter: 500, gtol: 1e-9, ftol: 0 },
    );
    expect(result.x[0]).toBeCloseTo(1, 6);
    expect(result.x[1]).toBeCloseTo(1, 6);
  });

  it('stops at maxIter and reports no convergence', () => {
    const result = minimizeLbfgs(
      (x, g) => {
        g[0] = 4 * x[0] ** 3;
        return x[0] ** 4;
      },
      Float64Array.from([3]),
      { maxIter: 2, gtol: 1e-300, ftol: 0 },
    );
    expect(result.iterations).toBe(2);
    expect(result.converged).toBe(false);
  });

  it('does not modify the starting point', () => {
    const x0 = Float64Array.from([5]);
    minimizeLbfgs(
      (x, g) => {
        g[0] = 2 * x[0];
        return x[0] * x[0];
      },
      x0,
      { maxIter: 10, gtol: 1e-8 },
    );
    expect(x0[0]).toBe(5);
  });
});
