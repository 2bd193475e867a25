/**
 * Reading CloudWatch request members the way CloudWatch validates them: a missing required member is
 * `MissingParameter`, a wrong one `InvalidParameterValue`, and messages name the member by its query path
 * (`MetricData.member.1.Dimensions.member.2.Name`), as CloudWatch's own messages do.
 */
import { CloudWatchApiError } from './errors.ts';

export type Fields = Readonly<Record<string, unknown>>;

export function isFields(value: unknown): value is Fields {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

export function fieldsOf(value: unknown, path: string): Fields {
  if (value === undefined || value === null) return {};
  if (!isFields(value)) throw invalid(path, 'must be a structure');
  return value;
}

/** `Parent.member.3` for element index 2, as CloudWatch names list elements. */
export function memberPath(listPath: string, index: number): string {
  return `${listPath}.member.${index + 1}`;
}

export function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

export function missing(path: string): CloudWatchApiError {
  return new CloudWatchApiError('MissingParameter', `The parameter ${path} is required.`, {
    parameter: path,
  });
}

export function invalid(path: string, problem: string): CloudWatchApiError {
  return new CloudWatchApiError('InvalidParameterValue', `The parameter ${path} ${problem}.`, {
    parameter: path,
  });
}

export function optionalString(
  fields: Fields,
  key: string,
  path: string,
  length: { min?: number; max: number },
): string | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  const at = join(path, key);
  if (typeof value !== 'string') throw invalid(at, 'must be a string');
  const min = length.min ?? 1;
  if (value.length < min || value.length > length.max) {
    throw invalid(at, `must be between ${min} and ${length.max} characters long`);
  }
  return value;
}

export function requiredString(fields: Fields, key: string, path: string, length: { max: number }): string {
  const value = optionalString(fields, key, path, length);
  if (value === undefined) throw missing(join(path, key));
  return value;
}

export function optionalEnum<T extends string>(
  fields: Fields,
  key: string,
  path: string,
  allowed: readonly T[],
): T | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new CloudWatchApiError(
      'InvalidParameterValue',
      `The value ${String(value)} for parameter ${join(path, key)} is not a member of [${allowed.join(', ')}].`,
      { parameter: join(path, key) },
    );
  }
  return value as T;
}

export function requiredEnum<T extends string>(
  fields: Fields,
  key: string,
  path: string,
  allowed: readonly T[],
): T {
  const value = optionalEnum(fields, key, path, allowed);
  if (value === undefined) throw missing(join(path, key));
  return value;
}

/** A finite number (the SDK sends NaN and ±Infinity as strings, which CloudWatch refuses). */
export function optionalNumber(fields: Fields, key: string, path: string): number | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw invalid(
      join(path, key),
      `has the invalid value ${JSON.stringify(value)}; it must be a finite number`,
    );
  }
  return value;
}

export function requiredNumber(fields: Fields, key: string, path: string): number {
  const value = optionalNumber(fields, key, path);
  if (value === undefined) throw missing(join(path, key));
  return value;
}

export function optionalInteger(
  fields: Fields,
  key: string,
  path: string,
  range: { min: number; max?: number },
): number | undefined {
  const value = optionalNumber(fields, key, path);
  if (value === undefined) return undefined;
  if (!Number.isInteger(value) || value < range.min || (range.max !== undefined && value > range.max)) {
    const upper = range.max === undefined ? '' : ` and at most ${range.max}`;
    throw invalid(join(path, key), `must be an integer of at least ${range.min}${upper}`);
  }
  return value;
}

export function requiredInteger(
  fields: Fields,
  key: string,
  path: string,
  range: { min: number; max?: number },
) {
  const value = optionalInteger(fields, key, path, range);
  if (value === undefined) throw missing(join(path, key));
  return value;
}

export function optionalBoolean(fields: Fields, key: string, path: string): boolean | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(join(path, key), 'must be true or false');
  return value;
}

/** Epoch milliseconds from AWS JSON's epoch seconds (a Date or an ISO string also do, for in-process callers). */
export function optionalTimestamp(fields: Fields, key: string, path: string): number | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  let ms = Number.NaN;
  if (typeof value === 'number') ms = value * 1000;
  else if (value instanceof Date) ms = value.getTime();
  else if (typeof value === 'string') ms = Date.parse(value);
  if (!Number.isFinite(ms)) throw invalid(join(path, key), 'must be a timestamp');
  return Math.round(ms);
}

export function requiredTimestamp(fields: Fields, key: string, path: string): number {
  const value = optionalTimestamp(fields, key, path);
  if (value === undefined) throw missing(join(path, key));
  return value;
}

export function optionalList(
  fields: Fields,
  key: string,
  path: string,
  size: { max: number; min?: number },
): readonly unknown[] | undefined {
  const value = fields[key];
  if (value === undefined || value === null) return undefined;
  const at = join(path, key);
  if (!Array.isArray(value)) throw invalid(at, 'must be a list');
  const min = size.min ?? 0;
  if (value.length < min || value.length > size.max) {
    throw invalid(at, `must have between ${min} and ${size.max} members`);
  }
  return value;
}

export function requiredList(
  fields: Fields,
  key: string,
  path: string,
  size: { max: number; min?: number },
): readonly unknown[] {
  const value = optionalList(fields, key, path, size);
  if (value === undefined || value.length === 0) throw missing(join(path, key));
  return value;
}

export function optionalStringList(
  fields: Fields,
  key: string,
  path: string,
  size: { max: number; itemMax: number },
): string[] | undefined {
  const list = optionalList(fields, key, path, { max: size.max });
  return list?.map((item, index) => {
    const at = memberPath(join(path, key), index);
    if (typeof item !== 'string' || item.length === 0 || item.length > size.itemMax) {
      throw invalid(at, `must be a string of 1 to ${size.itemMax} characters`);
    }
    return item;
  });
}
