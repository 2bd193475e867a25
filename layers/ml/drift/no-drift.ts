import type { FeatureDrift } from './types.ts';

/** Nothing to compare (an empty window or an empty baseline): every distance 0. */
export function noDrift(
  name: string,
  kind: 'numeric' | 'categorical',
  count: number,
  missing: number,
  unseenLevels: Readonly<Record<string, number>> = {},
): FeatureDrift {
  return {
    name,
    kind,
    count,
    missing,
    psi: 0,
    ks: kind === 'numeric' ? 0 : null,
    linf: 0,
    linfRobust: 0,
    js: 0,
    chi2: kind === 'categorical' ? 0 : null,
    outOfRange: 0,
    unseenLevels,
  };
}
