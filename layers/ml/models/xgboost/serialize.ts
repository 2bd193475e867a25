import { ModelFormatError } from '../../errors.ts';
import { numbers } from '../tree/serialize.ts';
import { type BoostedTree, LEAF } from './boosted-tree.ts';

/** A boosted tree in JSON: its flat arrays as plain number arrays. */
export interface BoostedTreeJSON {
  readonly feature: number[];
  readonly threshold: number[];
  readonly left: number[];
  readonly right: number[];
  readonly value: number[];
  readonly gain: number[];
}

export function boostedTreeToJSON(tree: BoostedTree): BoostedTreeJSON {
  return {
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold),
    left: Array.from(tree.left),
    right: Array.from(tree.right),
    value: Array.from(tree.value),
    gain: Array.from(tree.gain),
  };
}

/**
 * Reads a tree back, checking what prediction relies on: equal lengths, features in range, children
 * paired and after their parent (so every walk ends), finite numbers.
 */
export function boostedTreeFromJSON(json: unknown, nFeatures: number, where: string): BoostedTree {
  const fail = (why: string): never => {
    throw new ModelFormatError(`${where}: ${why}`);
  };
  if (typeof json !== 'object' || json === null) fail('tree is not an object');
  const t = json as Record<string, unknown>;
  const feature = numbers(t.feature, `${where}.feature`);
  const count = feature.length;
  if (count < 1) fail('tree has no nodes');
  const threshold = numbers(t.threshold, `${where}.threshold`);
  const left = numbers(t.left, `${where}.left`);
  const right = numbers(t.right, `${where}.right`);
  const value = numbers(t.value, `${where}.value`);
  const gain = numbers(t.gain, `${where}.gain`);
  for (const a of [threshold, left, right, value, gain]) {
    if (a.length !== count) fail('node arrays have different lengths');
  }
  for (let i = 0; i < count; i++) {
    const f = feature[i];
    if (!Number.isInteger(f) || f < LEAF || f >= nFeatures) fail(`node ${i} has invalid feature ${f}`);
    if (f === LEAF) {
      if (left[i] !== LEAF || right[i] !== LEAF) fail(`leaf ${i} has children`);
    } else {
      const l = left[i];
      if (!Number.isInteger(l) || l <= i || l + 1 >= count || right[i] !== l + 1) {
        fail(`node ${i} has invalid children ${l}, ${right[i]}`);
      }
    }
    if (!Number.isFinite(threshold[i]) || !Number.isFinite(value[i]))
      fail(`node ${i} holds a non-finite number`);
    if (!(gain[i] >= 0 && Number.isFinite(gain[i]))) fail(`node ${i} has an invalid gain`);
  }
  return {
    nodeCount: count,
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    gain: Float64Array.from(gain),
  };
}
