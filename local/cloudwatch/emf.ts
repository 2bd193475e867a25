/**
 * CloudWatch embedded metric format (EMF): what CloudWatch Logs extracts from a log line, per the
 * specification (docs: "Specification: Embedded metric format"). The line is a JSON object — on Lambda it
 * may follow a prefix (timestamp, request id, level) — whose `_aws` member holds `Timestamp` (epoch ms)
 * and `CloudWatchMetrics`, an array of directives `{Namespace, Dimensions: DimensionSet[], Metrics}`. For
 * every directive, every dimension set and every metric definition, one metric is published: its values
 * from the root member named like the metric (a number or an array of up to 100 numbers), its dimensions
 * from the root members named in the set (strings). A document that breaks the specification is dropped
 * whole (CloudWatch counts it as an EMF validation error and extracts nothing).
 */
import { EmfValidationError } from './errors.ts';
import type { MetricDimension, MetricId } from './metric-store.ts';
import { isStandardUnit } from './statistics.ts';

export interface EmfMetricValues {
  readonly metric: MetricId;
  readonly unit: string;
  /** Epoch milliseconds (`_aws.Timestamp`). */
  readonly timestamp: number;
  readonly values: readonly number[];
}

const MAX_METRICS_PER_DIRECTIVE = 100;
const MAX_DIMENSIONS_PER_SET = 30;
const MAX_VALUES = 100;
const MAX_DIMENSION_VALUE_LENGTH = 1024;

type JsonRecord = Readonly<Record<string, unknown>>;

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The EMF document in a log line, or undefined when the line carries none (not JSON, or JSON without
 * `_aws.CloudWatchMetrics`). The JSON object must run to the end of the line; a prefix before it is
 * allowed when separated by whitespace (Lambda's `<time>\t<request id>\tINFO\t{…}`).
 */
export function findEmfDocument(line: string): JsonRecord | undefined {
  if (!line.includes('"_aws"')) return undefined; // cheap filter: most log lines are not EMF
  const text = line.trimEnd();
  if (!text.endsWith('}')) return undefined;
  for (let at = text.indexOf('{'); at >= 0; at = text.indexOf('{', at + 1)) {
    if (at > 0 && !/\s/.test(text[at - 1])) continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text.slice(at));
    } catch {
      continue;
    }
    if (isRecord(parsed) && isRecord(parsed._aws) && parsed._aws.CloudWatchMetrics !== undefined)
      return parsed;
    return undefined;
  }
  return undefined;
}

/** The metrics an EMF document publishes; throws EmfValidationError when it breaks the specification. */
export function emfMetricValues(document: JsonRecord): EmfMetricValues[] {
  const metadata = document._aws as JsonRecord;
  const timestamp = metadata.Timestamp;
  if (typeof timestamp !== 'number' || !Number.isInteger(timestamp)) {
    throw new EmfValidationError('_aws.Timestamp must be an integer (epoch milliseconds)');
  }
  const directives = metadata.CloudWatchMetrics;
  if (!Array.isArray(directives)) throw new EmfValidationError('_aws.CloudWatchMetrics must be an array');
  const out: EmfMetricValues[] = [];
  directives.forEach((directive, index) => {
    const at = `_aws.CloudWatchMetrics[${index}]`;
    if (!isRecord(directive)) throw new EmfValidationError(`${at} must be an object`);
    const namespace = directive.Namespace;
    if (typeof namespace !== 'string' || namespace.length === 0 || namespace.length > 1024) {
      throw new EmfValidationError(`${at}.Namespace must be a string of 1 to 1024 characters`);
    }
    const dimensionSets = readDimensionSets(document, directive.Dimensions, `${at}.Dimensions`);
    const definitions = directive.Metrics;
    if (!Array.isArray(definitions) || definitions.length > MAX_METRICS_PER_DIRECTIVE) {
      throw new EmfValidationError(`${at}.Metrics must be an array of at most ${MAX_METRICS_PER_DIRECTIVE}`);
    }
    definitions.forEach((definition, metricIndex) => {
      const metricAt = `${at}.Metrics[${metricIndex}]`;
      if (!isRecord(definition) || typeof definition.Name !== 'string' || definition.Name.length === 0) {
        throw new EmfValidationError(`${metricAt}.Name must be a non-empty string`);
      }
      const unit = definition.Unit ?? 'None';
      if (!isStandardUnit(unit))
        throw new EmfValidationError(`${metricAt}.Unit ${String(unit)} is not a CloudWatch unit`);
      const values = readValues(document, definition.Name);
      for (const dimensions of dimensionSets) {
        out.push({ metric: { namespace, name: definition.Name, dimensions }, unit, timestamp, values });
      }
    });
  });
  return out;
}

function readDimensionSets(document: JsonRecord, sets: unknown, at: string): MetricDimension[][] {
  if (!Array.isArray(sets) || sets.length === 0)
    throw new EmfValidationError(`${at} must be a non-empty array`);
  return sets.map((set, index) => {
    if (!Array.isArray(set) || set.length > MAX_DIMENSIONS_PER_SET) {
      throw new EmfValidationError(
        `${at}[${index}] must be an array of at most ${MAX_DIMENSIONS_PER_SET} keys`,
      );
    }
    return set.map((key) => {
      if (typeof key !== 'string' || key.length === 0) {
        throw new EmfValidationError(`${at}[${index}] holds a dimension key that is not a string`);
      }
      const value = document[key];
      if (typeof value !== 'string' || value.length === 0 || value.length > MAX_DIMENSION_VALUE_LENGTH) {
        throw new EmfValidationError(
          `the dimension target member "${key}" must be a string of 1 to 1024 characters`,
        );
      }
      return { name: key, value };
    });
  });
}

function readValues(document: JsonRecord, name: string): number[] {
  const target = document[name];
  if (typeof target === 'number' && Number.isFinite(target)) return [target];
  if (Array.isArray(target) && target.length <= MAX_VALUES) {
    if (target.every((value) => typeof value === 'number' && Number.isFinite(value)))
      return target as number[];
  }
  throw new EmfValidationError(
    `the metric target member "${name}" must be a number or an array of at most ${MAX_VALUES} numbers`,
  );
}
