import { ParamsError } from '../errors.ts';
import { Random } from '../random.ts';
import type { ParamGrid } from './grid.ts';
import { expandGrid } from './grid.ts';

/** Number of combinations in a grid (the product of its list lengths; 1 for an empty grid). */
export function gridSize(grid: ParamGrid): number {
  let size = 1;
  for (const [key, values] of Object.entries(grid)) {
    if (!Array.isArray(values) || values.length === 0) {
      throw new ParamsError(`parameter grid: "${key}" must be a non-empty list of values`, { field: key });
    }
    size *= values.length;
  }
  return size;
}

/**
 * The combination at `index` of the grid's ParameterGrid order (names sorted, the last name varying
 * fastest), without expanding the grid: a mixed-radix decoding of the index.
 */
export function gridCombination(grid: ParamGrid, index: number): Record<string, unknown> {
  const keys = Object.keys(grid).sort();
  const combo: Record<string, unknown> = {};
  let rest = index;
  for (let k = keys.length - 1; k >= 0; k--) {
    const values = grid[keys[k]];
    combo[keys[k]] = values[rest % values.length];
    rest = Math.floor(rest / values.length);
  }
  // Keys in sorted order, as expandGrid builds them, so both give byte-identical JSON.
  return Object.fromEntries(keys.map((key) => [key, combo[key]]));
}

/**
 * Random search's configurations, like scikit-learn's ParameterSampler on a grid of lists: `trials`
 * combinations drawn without replacement, seeded, in the order drawn (that order is the search's
 * evaluation order, so ties go to the earlier draw). When `trials` is at least the grid size every
 * combination is taken, in grid order, so the search is exactly the exhaustive grid search (scikit-learn
 * warns and caps n_iter to the grid size there too). The draws are a partial Fisher–Yates shuffle of the
 * combination indices with our Random, so the sample differs from numpy's for the same seed.
 */
export function sampleGrid(grid: ParamGrid, trials: number, seed: number): Record<string, unknown>[] {
  if (!Number.isInteger(trials) || trials < 1) {
    throw new ParamsError(`random search: trials must be an integer ≥ 1, got ${trials}`, { trials });
  }
  const size = gridSize(grid);
  if (trials >= size) return expandGrid(grid);
  if (size > 2 ** 32) {
    throw new ParamsError(`random search: grid has ${size} combinations; at most 2^32 are supported`, {
      size,
    });
  }
  const rng = new Random(seed);
  // Sparse Fisher–Yates: only the swapped positions are stored, so huge grids are never materialized.
  const swapped = new Map<number, number>();
  const drawn: Record<string, unknown>[] = [];
  for (let i = 0; i < trials; i++) {
    const j = i + rng.int(size - i);
    const atI = swapped.get(i) ?? i;
    const atJ = swapped.get(j) ?? j;
    drawn.push(gridCombination(grid, atJ));
    swapped.set(j, atI);
  }
  return drawn;
}
