import type { z } from 'zod/mini';
import { ModelFormatError } from '../../errors.ts';
import type { ModelJSON } from '../classifier.ts';
import type { TreeNodes } from './nodes.ts';

/** A tree in JSON: the flat node arrays as plain number arrays. */
export interface TreeJSON {
  readonly feature: number[];
  readonly threshold: number[];
  readonly left: number[];
  readonly right: number[];
  readonly value: number[];
}

export function treeToJSON(tree: TreeNodes): TreeJSON {
  return {
    feature: Array.from(tree.feature),
    threshold: Array.from(tree.threshold),
    left: Array.from(tree.left),
    right: Array.from(tree.right),
    value: Array.from(tree.value),
  };
}

/**
 * Reads a tree back, checking everything prediction relies on: consistent lengths, features in range,
 * children paired and strictly after their parent (so every walk ends), finite thresholds and values.
 * One pass per array, checking and copying together: a served forest holds ~10⁵ nodes and is loaded on
 * a request's critical path.
 */
export function treeFromJSON(json: unknown, nFeatures: number, valueWidth: number, where: string): TreeNodes {
  const fail = (why: string): never => {
    throw new ModelFormatError(`${where}: ${why}`);
  };
  if (typeof json !== 'object' || json === null) fail('tree is not an object');
  const t = json as Record<string, unknown>;
  const feature = arrayOf(t.feature, `${where}.feature`);
  const count = feature.length;
  if (count < 1) fail('tree has no nodes');
  const threshold = arrayOf(t.threshold, `${where}.threshold`);
  const left = arrayOf(t.left, `${where}.left`);
  const right = arrayOf(t.right, `${where}.right`);
  const value = arrayOf(t.value, `${where}.value`);
  if (threshold.length !== count || left.length !== count || right.length !== count) {
    fail('node arrays have different lengths');
  }
  if (value.length !== count * valueWidth) fail(`value must hold ${valueWidth} numbers per node`);
  const nodes: TreeNodes = {
    nodeCount: count,
    valueWidth,
    feature: new Int32Array(count),
    threshold: new Float64Array(count),
    left: new Int32Array(count),
    right: new Int32Array(count),
    value: new Float64Array(value.length),
  };
  for (let i = 0; i < count; i++) {
    const f = feature[i];
    // Number.isInteger, isFinite and the comparisons with numbers below also refuse non-numbers.
    if (!Number.isInteger(f) || (f as number) < -1 || (f as number) >= nFeatures) {
      fail(`node ${i} has invalid feature ${String(f)}`);
    }
    nodes.feature[i] = f as number;
    const th = threshold[i];
    if (typeof th !== 'number') throw new ModelFormatError(`${where}.threshold must be an array of numbers`);
    nodes.threshold[i] = th;
    if ((f as number) < 0) {
      if (left[i] !== -1 || right[i] !== -1) fail(`leaf ${i} has children`);
      nodes.left[i] = -1;
      nodes.right[i] = -1;
    } else {
      const l = left[i];
      if (
        !Number.isInteger(l) ||
        (l as number) <= i ||
        (l as number) + 1 >= count ||
        right[i] !== (l as number) + 1
      ) {
        fail(`node ${i} has invalid children ${String(l)}, ${String(right[i])}`);
      }
      if (!Number.isFinite(th)) fail(`node ${i} has a non-finite threshold`);
      nodes.left[i] = l as number;
      nodes.right[i] = (l as number) + 1;
    }
  }
  for (let k = 0; k < value.length; k++) {
    const v = value[k];
    if (!Number.isFinite(v)) {
      if (typeof v !== 'number') throw new ModelFormatError(`${where}.value must be an array of numbers`);
      fail('value holds a non-finite number');
    }
    nodes.value[k] = v as number;
  }
  return nodes;
}

/** The array itself, its elements checked by the caller as it copies them. */
function arrayOf(v: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(v)) throw new ModelFormatError(`${where} must be an array of numbers`);
  return v;
}

/** An array of JSON numbers (NaN/Infinity cannot appear in JSON, but hand-built objects may carry them). */
export function numbers(v: unknown, where: string): number[] {
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
    throw new ModelFormatError(`${where} must be an array of numbers`);
  }
  return v as number[];
}

/** The envelope shared by all tree models, in one key order so equal models give byte-identical JSON. */
export function toEnvelope(
  model: ModelJSON['model'],
  format: string,
  formatVersion: number,
  params: Readonly<Record<string, unknown>>,
  shape: { readonly nFeatures: number; readonly nClasses: number },
  state: unknown,
): ModelJSON {
  return {
    format,
    formatVersion,
    model,
    params: { ...params },
    nFeatures: shape.nFeatures,
    nClasses: shape.nClasses,
    state,
  };
}

/** Checks the envelope shared by all tree models (`formatVersion`: the one or ones read) and returns the state. */
export function checkEnvelope(
  json: ModelJSON,
  model: string,
  format: string,
  formatVersion: number | readonly number[],
): Record<string, unknown> {
  const readable = typeof formatVersion === 'number' ? [formatVersion] : formatVersion;
  if (json === null || typeof json !== 'object')
    throw new ModelFormatError(`${model}: model JSON is not an object`);
  if (json.format !== format) {
    throw new ModelFormatError(`${model}: expected format ${format}, got ${String(json.format)}`);
  }
  if (!readable.includes(json.formatVersion)) {
    throw new ModelFormatError(
      `${model}: unsupported formatVersion ${String(json.formatVersion)} (this build reads ${readable.join(', ')})`,
    );
  }
  if (json.model !== model) throw new ModelFormatError(`${model}: model field is ${String(json.model)}`);
  if (!Number.isInteger(json.nFeatures) || json.nFeatures < 1) {
    throw new ModelFormatError(`${model}: nFeatures must be a positive integer`);
  }
  if (!Number.isInteger(json.nClasses) || json.nClasses < 1) {
    throw new ModelFormatError(`${model}: nClasses must be a positive integer`);
  }
  if (json.state === null || typeof json.state !== 'object') {
    throw new ModelFormatError(`${model}: state is missing`);
  }
  return json.state as Record<string, unknown>;
}

/** checkEnvelope plus the stored hyperparameters, parsed with the model's own schema. */
export function readEnvelope<P>(
  json: ModelJSON,
  model: string,
  format: string,
  formatVersion: number | readonly number[],
  paramsSchema: z.ZodMiniType<P>,
): { readonly state: Record<string, unknown>; readonly params: P } {
  const state = checkEnvelope(json, model, format, formatVersion);
  const params = paramsSchema.safeParse(json.params);
  if (!params.success) throw new ModelFormatError(`${model}: stored params are invalid`);
  return { state, params: params.data };
}

/** Importances as stored: one finite non-negative number per feature. */
export function importancesFromJSON(v: unknown, nFeatures: number, where: string): Float64Array {
  const a = numbers(v, where);
  if (a.length !== nFeatures || !a.every((x) => Number.isFinite(x) && x >= 0)) {
    throw new ModelFormatError(`${where} must hold ${nFeatures} finite non-negative numbers`);
  }
  return new Float64Array(a);
}
