/**
 * Pieces of response JSON written by hand: the hot path of every prediction, where building objects
 * for JSON.stringify would cost more than the scoring itself. Class labels become object keys through
 * JSON text, never through property assignment, so a class called `__proto__` is just a key.
 */
import type { ClassLabel } from '../../../ml/data/labels.ts';

/** A number as JSON writes it (JSON has no NaN or Infinity: those are null, as JSON.stringify does). */
export function numberJson(x: number): string {
  return Number.isFinite(x) ? String(x) : 'null';
}

export function labelJson(label: ClassLabel): string {
  return typeof label === 'number' ? numberJson(label) : JSON.stringify(label);
}

export function labelsJson(labels: readonly ClassLabel[]): string {
  let out = '[';
  for (let i = 0; i < labels.length; i++) out += (i === 0 ? '' : ',') + labelJson(labels[i]);
  return `${out}]`;
}

/** `"<class>":` per class, computed once per classes array (a model version keeps its array). */
const keyPrefixes = new WeakMap<readonly ClassLabel[], readonly string[]>();

function keyPrefixesOf(classes: readonly ClassLabel[]): readonly string[] {
  let prefixes = keyPrefixes.get(classes);
  if (prefixes === undefined) {
    prefixes = classes.map((label) => `${JSON.stringify(String(label))}:`);
    keyPrefixes.set(classes, prefixes);
  }
  return prefixes;
}

/** `[{"<class>":p,…},…]` for n rows of an n × C row-major matrix. */
export function probabilityObjectsJson(classes: readonly ClassLabel[], probabilities: Float64Array): string {
  const prefixes = keyPrefixesOf(classes);
  const c = classes.length;
  const n = c === 0 ? 0 : probabilities.length / c;
  let out = '[';
  for (let i = 0; i < n; i++) {
    out += i === 0 ? '{' : ',{';
    for (let k = 0; k < c; k++)
      out += (k === 0 ? '' : ',') + prefixes[k] + numberJson(probabilities[i * c + k]);
    out += '}';
  }
  return `${out}]`;
}

/** `[p,…]`: a flat array of numbers. */
export function numbersJson(values: ArrayLike<number>): string {
  let out = '[';
  for (let i = 0; i < values.length; i++) out += (i === 0 ? '' : ',') + numberJson(values[i]);
  return `${out}]`;
}
