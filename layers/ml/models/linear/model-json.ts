/**
 * Reading back a ModelJSON defensively: every check names what is wrong, so a corrupted or foreign
 * artifact fails with a ModelFormatError instead of a model that predicts garbage. Used by the linear
 * models and KNN.
 */
import type { z } from 'zod/mini';
import { ModelFormatError } from '../../errors.ts';
import type { ModelJSON, ModelName } from '../classifier.ts';

/** Checks format, version, model name and sizes; returns the validated params. */
export function readHeader<P>(
  json: ModelJSON,
  model: ModelName,
  formatVersion: number,
  schema: z.ZodMiniType<P, Record<string, unknown>>,
): P {
  if (json === null || typeof json !== 'object')
    throw new ModelFormatError(`${model}: model JSON is not an object`);
  const format = `synergy.${model}`;
  if (json.format !== format) {
    throw new ModelFormatError(`${model}: expected format "${format}", got "${String(json.format)}"`, {
      format: json.format,
    });
  }
  if (json.formatVersion !== formatVersion) {
    throw new ModelFormatError(
      `${model}: unsupported formatVersion ${String(json.formatVersion)} (this build reads ${formatVersion})`,
      { formatVersion: json.formatVersion },
    );
  }
  if (json.model !== model) {
    throw new ModelFormatError(`${model}: JSON is for model "${String(json.model)}"`, { model: json.model });
  }
  positiveInteger(json.nFeatures, `${model}: nFeatures`);
  positiveInteger(json.nClasses, `${model}: nClasses`);
  if (json.nClasses < 2) throw new ModelFormatError(`${model}: nClasses must be at least 2`);
  const parsed = schema.safeParse(json.params);
  if (!parsed.success) {
    throw new ModelFormatError(`${model}: invalid params in model JSON: ${parsed.error.issues[0].message}`, {
      params: json.params,
    });
  }
  return parsed.data;
}

export function positiveInteger(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new ModelFormatError(`${what} must be a positive integer, got ${JSON.stringify(value)}`);
  }
  return value;
}

export function stateObject(state: unknown, model: ModelName): Record<string, unknown> {
  if (state === null || typeof state !== 'object' || Array.isArray(state)) {
    throw new ModelFormatError(`${model}: state is not an object`);
  }
  return state as Record<string, unknown>;
}

/** A finite number array of exactly `length` entries, as a Float64Array. */
export function finiteArray(value: unknown, length: number, what: string): Float64Array {
  if (!Array.isArray(value) || value.length !== length) {
    throw new ModelFormatError(`${what}: expected an array of ${length} numbers`);
  }
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new ModelFormatError(`${what}[${i}] is not a finite number`);
    }
    out[i] = v;
  }
  return out;
}

/** An integer array of exactly `length` entries in `0..bound-1`. */
export function indexArray(value: unknown, length: number, bound: number, what: string): Int32Array {
  if (!Array.isArray(value) || value.length !== length) {
    throw new ModelFormatError(`${what}: expected an array of ${length} integers`);
  }
  const out = new Int32Array(length);
  for (let i = 0; i < length; i++) {
    const v: unknown = value[i];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v >= bound) {
      throw new ModelFormatError(`${what}[${i}] is not an integer in 0..${bound - 1}`);
    }
    out[i] = v;
  }
  return out;
}
