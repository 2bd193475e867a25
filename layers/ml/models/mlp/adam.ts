/**
 * Adam as scikit-learn's AdamOptimizer: moments updated in place, bias correction folded into the step
 * size `lr_t = lr · sqrt(1 - β2^t) / (1 - β1^t)`, update `-lr_t · m / (sqrt(v) + ε)`.
 */
export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  constructor(
    size: number,
    private readonly learningRate: number,
    private readonly beta1: number,
    private readonly beta2: number,
    private readonly epsilon: number,
  ) {
    this.m = new Float64Array(size);
    this.v = new Float64Array(size);
  }

  step(params: Float64Array, grad: Float64Array): void {
    this.t++;
    const { m, v, beta1, beta2, epsilon } = this;
    const lr = (this.learningRate * Math.sqrt(1 - beta2 ** this.t)) / (1 - beta1 ** this.t);
    const c1 = 1 - beta1;
    const c2 = 1 - beta2;
    for (let p = 0; p < params.length; p++) {
      const g = grad[p];
      const mp = beta1 * m[p] + c1 * g;
      const vp = beta2 * v[p] + c2 * g * g;
      m[p] = mp;
      v[p] = vp;
      params[p] -= (lr * mp) / (Math.sqrt(vp) + epsilon);
    }
  }
}
