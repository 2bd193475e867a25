/**
 * The S3 keys of monitoring (data bucket): baselines next to runs and versions, the capture the serving
 * path writes (serving/capture-key.ts), and the drift reports. Keys only, like pipeline/keys.ts.
 */
import { runPrefix } from '../pipeline/keys.ts';

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** `yyyy/mm/dd` of a UTC date. */
function dayPath(at: Date): string {
  return `${pad(at.getUTCFullYear(), 4)}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}`;
}

/** `HHmmss` of a UTC time. */
function timeOfDay(at: Date): string {
  return `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
}

/** The baseline prep computed from a run's training split (SageMaker statistics.json). */
export function runStatisticsKey(runId: string): string {
  return `${runPrefix(runId)}statistics.json`;
}

/** The suggested constraints derived from it (SageMaker constraints.json). */
export function runConstraintsKey(runId: string): string {
  return `${runPrefix(runId)}constraints.json`;
}

/** `models/<model>/<version>/`: a registered version's baseline lives here. */
export function versionPrefix(modelName: string, version: number): string {
  return `models/${modelName}/${version}/`;
}

export function versionStatisticsKey(modelName: string, version: number): string {
  return `${versionPrefix(modelName, version)}statistics.json`;
}

export function versionConstraintsKey(modelName: string, version: number): string {
  return `${versionPrefix(modelName, version)}constraints.json`;
}

/** `capture/<model>/<yyyy>/<mm>/<dd>/`: one UTC day of a model's captured rows. */
export function captureDayPrefix(modelName: string, day: Date): string {
  return `capture/${modelName}/${dayPath(day)}/`;
}

const CAPTURE_FILE = /^(\d{2})(\d{2})(\d{2})-[^/]+\.jsonl$/;

/**
 * The time in a capture key (the flush time, to the second) of an object listed under
 * captureDayPrefix(model, day), or undefined when the name is not `<HHmmss>-<id>.jsonl`.
 */
export function captureKeyTime(key: string, dayPrefix: string, day: Date): Date | undefined {
  if (!key.startsWith(dayPrefix)) return undefined;
  const match = CAPTURE_FILE.exec(key.slice(dayPrefix.length));
  if (!match) return undefined;
  const [hours, minutes, seconds] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (hours > 23 || minutes > 59 || seconds > 59) return undefined;
  return new Date(
    Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hours, minutes, seconds),
  );
}

/** `monitoring/<model>/reports/`: every drift report of a model, oldest first when listed. */
export function driftReportsPrefix(modelName: string): string {
  return `monitoring/${modelName}/reports/`;
}

/** `monitoring/<model>/reports/<yyyy>/<mm>/<dd>/<HHmmss>-drift.json`, the time in UTC. */
export function driftReportKey(modelName: string, at: Date): string {
  return `${driftReportsPrefix(modelName)}${dayPath(at)}/${timeOfDay(at)}-drift.json`;
}
