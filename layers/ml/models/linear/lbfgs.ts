/**
 * Limited-memory BFGS for smooth unconstrained problems, written to stop where SciPy's L-BFGS-B (as
 * called by scikit-learn's lbfgs solver) stops: projected-gradient max-norm ≤ gtol, or a relative
 * decrease of the objective ≤ ftol (SciPy's default factr·eps = 1e7·2.2e-16), or maxIter iterations.
 * Memory 10 and a strong-Wolfe line search (c1 = 1e-3, c2 = 0.9) are SciPy's values too.
 */

/** Writes the gradient at `x` into `grad` and returns the objective value. */
export type Objective = (x: Float64Array, grad: Float64Array) => number;

export interface LbfgsOptions {
  readonly maxIter: number;
  readonly gtol: number;
  readonly ftol?: number;
  readonly memory?: number;
}

export interface LbfgsResult {
  readonly x: Float64Array;
  readonly f: number;
  readonly iterations: number;
  readonly converged: boolean;
}

const SCIPY_FTOL = 1e7 * 2.220446049250313e-16;
const C1 = 1e-3;
const C2 = 0.9;
const MAX_LINE_SEARCH = 20;

function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const v = Math.abs(a[i]);
    if (v > m) m = v;
  }
  return m;
}

/** Cubic interpolation of the minimizer between two points with values and slopes, safeguarded to the interval's middle 80%. */
function interpolate(a: number, fa: number, da: number, b: number, fb: number, db: number): number {
  const lo = Math.min(a, b);
  const hi = Math.max(a, b);
  const d1 = da + db - (3 * (fa - fb)) / (a - b);
  const disc = d1 * d1 - da * db;
  let t = (lo + hi) / 2;
  if (disc >= 0) {
    const d2 = Math.sign(b - a) * Math.sqrt(disc);
    const cand = b - ((b - a) * (db + d2 - d1)) / (db - da + 2 * d2);
    if (Number.isFinite(cand)) t = cand;
  }
  const margin = 0.1 * (hi - lo);
  return Math.min(Math.max(t, lo + margin), hi - margin);
}

interface Trial {
  readonly x: Float64Array;
  readonly g: Float64Array;
  f: number;
  step: number;
}

/**
 * Strong-Wolfe line search (Nocedal & Wright, algorithms 3.5 and 3.6). On success `trial` holds the
 * accepted point; returns false when no acceptable step was found.
 */
function lineSearch(
  objective: Objective,
  x: Float64Array,
  f0: number,
  d0: number,
  dir: Float64Array,
  initialStep: number,
  trial: Trial,
): boolean {
  const evalAt = (step: number): number => {
    for (let i = 0; i < x.length; i++) trial.x[i] = x[i] + step * dir[i];
    trial.f = objective(trial.x, trial.g);
    trial.step = step;
    return dot(trial.g, dir);
  };
  const zoom = (lo: number, fLo: number, dLo: number, hi: number, fHi: number, dHi: number): boolean => {
    for (let i = 0; i < MAX_LINE_SEARCH; i++) {
      const a = interpolate(lo, fLo, dLo, hi, fHi, dHi);
      const da = evalAt(a);
      if (trial.f > f0 + C1 * a * d0 || trial.f >= fLo) {
        hi = a;
        fHi = trial.f;
        dHi = da;
      } else {
        if (Math.abs(da) <= -C2 * d0) return true;
        if (da * (hi - lo) >= 0) {
          hi = lo;
          fHi = fLo;
          dHi = dLo;
        }
        lo = a;
        fLo = trial.f;
        dLo = da;
      }
      if (Math.abs(hi - lo) <= 1e-12 * Math.max(1, Math.abs(lo))) break;
    }
    // Interval collapsed: accept the best sufficient-decrease point if we have one.
    if (lo > 0 && fLo < f0) {
      evalAt(lo);
      return true;
    }
    return false;
  };

  let prev = 0;
  let fPrev = f0;
  let dPrev = d0;
  let step = initialStep;
  for (let i = 0; i < MAX_LINE_SEARCH; i++) {
    const da = evalAt(step);
    if (!Number.isFinite(trial.f)) {
      step = prev + (step - prev) / 4;
      continue;
    }
    if (trial.f > f0 + C1 * step * d0 || (i > 0 && trial.f >= fPrev)) {
      return zoom(prev, fPrev, dPrev, step, trial.f, da);
    }
    if (Math.abs(da) <= -C2 * d0) return true;
    if (da >= 0) return zoom(step, trial.f, da, prev, fPrev, dPrev);
    prev = step;
    fPrev = trial.f;
    dPrev = da;
    step *= 4;
  }
  return false;
}

/** Minimizes `objective` from `x0` (not modified). */
export function minimizeLbfgs(objective: Objective, x0: Float64Array, options: LbfgsOptions): LbfgsResult {
  const n = x0.length;
  const memory = options.memory ?? 10;
  const ftol = options.ftol ?? SCIPY_FTOL;
  const x = Float64Array.from(x0);
  const g = new Float64Array(n);
  let f = objective(x, g);
  if (maxAbs(g) <= options.gtol) return { x, f, iterations: 0, converged: true };

  const s: Float64Array[] = Array.from({ length: memory }, () => new Float64Array(n));
  const y: Float64Array[] = Array.from({ length: memory }, () => new Float64Array(n));
  const rho = new Float64Array(memory);
  const alpha = new Float64Array(memory);
  let stored = 0;
  let newest = -1;
  const dir = new Float64Array(n);
  const trial: Trial = { x: new Float64Array(n), g: new Float64Array(n), f, step: 0 };

  for (let iter = 1; iter <= options.maxIter; iter++) {
    // Two-loop recursion: dir = -H·g.
    for (let i = 0; i < n; i++) dir[i] = -g[i];
    for (let back = 0; back < stored; back++) {
      const m = (newest - back + memory) % memory;
      alpha[m] = rho[m] * dot(s[m], dir);
      const ym = y[m];
      for (let i = 0; i < n; i++) dir[i] -= alpha[m] * ym[i];
    }
    if (stored > 0) {
      const gamma = dot(s[newest], y[newest]) / dot(y[newest], y[newest]);
      for (let i = 0; i < n; i++) dir[i] *= gamma;
    }
    for (let fwd = stored - 1; fwd >= 0; fwd--) {
      const m = (newest - fwd + memory) % memory;
      const beta = rho[m] * dot(y[m], dir);
      const sm = s[m];
      for (let i = 0; i < n; i++) dir[i] += (alpha[m] - beta) * sm[i];
    }
    let slope = dot(g, dir);
    if (!(slope < 0)) {
      // Not a descent direction (curvature information went stale): restart from steepest descent.
      stored = 0;
      for (let i = 0; i < n; i++) dir[i] = -g[i];
      slope = dot(g, dir);
    }
    // As SciPy: the first step is scaled to unit length, later ones start at the quasi-Newton step.
    const initialStep = stored === 0 ? Math.min(1, 1 / Math.sqrt(dot(dir, dir))) : 1;
    if (!lineSearch(objective, x, f, slope, dir, initialStep, trial)) {
      return { x, f, iterations: iter, converged: false };
    }

    const next = (newest + 1) % memory;
    const sn = s[next];
    const yn = y[next];
    for (let i = 0; i < n; i++) {
      sn[i] = trial.x[i] - x[i];
      yn[i] = trial.g[i] - g[i];
    }
    const sy = dot(sn, yn);
    if (sy > 2.220446049250313e-16 * dot(yn, yn)) {
      rho[next] = 1 / sy;
      newest = next;
      if (stored < memory) stored++;
    }
    const fOld = f;
    f = trial.f;
    x.set(trial.x);
    g.set(trial.g);
    if ((fOld - f) / Math.max(Math.abs(fOld), Math.abs(f), 1) <= ftol) {
      return { x, f, iterations: iter, converged: true };
    }
    if (maxAbs(g) <= options.gtol) return { x, f, iterations: iter, converged: true };
  }
  return { x, f, iterations: options.maxIter, converged: false };
}
