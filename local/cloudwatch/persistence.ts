/**
 * The stand-in's files, so a command that starts a fresh stack still sees earlier metrics and alarm
 * states: `metrics.jsonl` gets one line per datapoint as it arrives (appended synchronously: a crash loses
 * nothing acknowledged), `alarms.json` is rewritten whole (write then rename) whenever an alarm is put,
 * deleted or changes state. On start, metrics past the retention are dropped and the file compacted.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { MetricAlarmRecord } from './alarm-record.ts';
import { LocalCloudWatchError } from './errors.ts';
import type { MetricId, StoredDatapoint } from './metric-store.ts';

export interface MetricEntry {
  readonly metric: MetricId;
  readonly point: StoredDatapoint;
}

interface MetricLine {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly { readonly name: string; readonly value: string }[];
  readonly timestamp: number;
  readonly unit: string;
  readonly sampleCount: number;
  readonly sum: number;
  readonly minimum: number;
  readonly maximum: number;
}

const ALARMS_FILE_VERSION = 1;

export class CloudWatchFiles {
  private readonly metricsPath: string;
  private readonly alarmsPath: string;

  constructor(directory: string) {
    mkdirSync(directory, { recursive: true });
    this.metricsPath = join(directory, 'metrics.jsonl');
    this.alarmsPath = join(directory, 'alarms.json');
  }

  /** The persisted datapoints; lines that do not parse (a torn last line) are skipped and counted. */
  readMetrics(): { entries: MetricEntry[]; skipped: number } {
    if (!existsSync(this.metricsPath)) return { entries: [], skipped: 0 };
    const entries: MetricEntry[] = [];
    let skipped = 0;
    for (const text of readFileSync(this.metricsPath, 'utf8').split('\n')) {
      if (text.trim() === '') continue;
      const entry = parseMetricLine(text);
      if (entry) entries.push(entry);
      else skipped++;
    }
    return { entries, skipped };
  }

  appendMetrics(entries: readonly MetricEntry[]): void {
    if (entries.length === 0) return;
    appendFileSync(this.metricsPath, entries.map((entry) => `${JSON.stringify(toLine(entry))}\n`).join(''));
  }

  /** Replaces the file with exactly `entries` (after dropping what the retention no longer keeps). */
  rewriteMetrics(entries: Iterable<MetricEntry>): void {
    let text = '';
    for (const entry of entries) text += `${JSON.stringify(toLine(entry))}\n`;
    writeAtomically(this.metricsPath, text);
  }

  readAlarms(): MetricAlarmRecord[] {
    if (!existsSync(this.alarmsPath)) return [];
    try {
      const parsed = JSON.parse(readFileSync(this.alarmsPath, 'utf8')) as {
        version?: unknown;
        alarms?: unknown;
      };
      if (parsed.version !== ALARMS_FILE_VERSION || !Array.isArray(parsed.alarms)) {
        throw new Error(`expected {"version": ${ALARMS_FILE_VERSION}, "alarms": [...]}`);
      }
      return parsed.alarms as MetricAlarmRecord[];
    } catch (error) {
      throw new LocalCloudWatchError(
        `cannot read the local CloudWatch alarms from ${this.alarmsPath} (delete the file to start afresh)`,
        { path: this.alarmsPath },
        { cause: error },
      );
    }
  }

  writeAlarms(alarms: readonly MetricAlarmRecord[]): void {
    writeAtomically(
      this.alarmsPath,
      `${JSON.stringify({ version: ALARMS_FILE_VERSION, alarms }, null, 2)}\n`,
    );
  }
}

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

function toLine({ metric, point }: MetricEntry): MetricLine {
  return {
    namespace: metric.namespace,
    name: metric.name,
    dimensions: metric.dimensions.map(({ name, value }) => ({ name, value })),
    timestamp: point.timestamp,
    unit: point.unit,
    sampleCount: point.sampleCount,
    sum: point.sum,
    minimum: point.minimum,
    maximum: point.maximum,
  };
}

function parseMetricLine(text: string): MetricEntry | undefined {
  let line: Partial<MetricLine>;
  try {
    line = JSON.parse(text) as Partial<MetricLine>;
  } catch {
    return undefined;
  }
  const numbers = [line.timestamp, line.sampleCount, line.sum, line.minimum, line.maximum];
  if (
    typeof line.namespace !== 'string' ||
    typeof line.name !== 'string' ||
    typeof line.unit !== 'string' ||
    !Array.isArray(line.dimensions) ||
    !line.dimensions.every((d) => typeof d?.name === 'string' && typeof d?.value === 'string') ||
    !numbers.every((value) => typeof value === 'number' && Number.isFinite(value))
  ) {
    return undefined;
  }
  return {
    metric: { namespace: line.namespace, name: line.name, dimensions: line.dimensions },
    point: {
      timestamp: line.timestamp as number,
      unit: line.unit,
      sampleCount: line.sampleCount as number,
      sum: line.sum as number,
      minimum: line.minimum as number,
      maximum: line.maximum as number,
    },
  };
}
