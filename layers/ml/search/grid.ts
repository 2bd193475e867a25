import { ParamsError } from '../errors.ts';

/** A hyperparameter grid: each parameter name maps to the values to try. */
export type ParamGrid = Readonly<Record<string, readonly unknown[]>>;

/**
 * Every combination of a grid, in scikit-learn's ParameterGrid order: parameter names sorted, the last
 * name varying fastest (itertools.product over the sorted items). An empty grid gives one empty
 * combination, as ParameterGrid({}) does.
 */
export function expandGrid(grid: ParamGrid): Record<string, unknown>[] {
  // Python's sorted() on str compares code points; for the BMP names used here this is JS's default sort.
  const keys = Object.keys(grid).sort();
  for (const key of keys) {
    const values = grid[key];
    if (!Array.isArray(values) || values.length === 0) {
      throw new ParamsError(`parameter grid: "${key}" must be a non-empty list of values`, { field: key });
    }
  }
  let combos: Record<string, unknown>[] = [{}];
  for (const key of keys) {
    const next: Record<string, unknown>[] = [];
    for (const partial of combos) for (const value of grid[key]) next.push({ ...partial, [key]: value });
    combos = next;
  }
  return combos;
}

/**
 * A canonical string for a parameter set: JSON with object keys sorted at every depth, so equal
 * parameters always give the same id whatever order they were written in.
 */
export function paramsKey(params: Readonly<Record<string, unknown>>): string {
  return JSON.stringify(canonical(params));
}

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(obj).sort()) out[key] = canonical(obj[key]);
    return out;
  }
  return value;
}
