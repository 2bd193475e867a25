/**
 * Prediction traffic for the demo: rows of the same generator as the training data (another seed, the
 * label left out), sent in requests of a few hundred rows; and the same rows shifted away from what the
 * model was trained on, the kind of change the monitor is there to notice.
 */
import { parse as parseCsv } from 'csv-parse/sync';
import { generateScheduleAdherenceCsv } from '../../layers/core/demo/schedule-adherence.ts';
import { bodyField, callEndpoint, type Endpoint, servedVersion } from './endpoint.ts';

export type RequestRow = Readonly<Record<string, string | number>>;

/** The generator's rows as request records: numbers as numbers, the target left out, empty cells missing. */
export function requestRows(options: { rows: number; seed: number; target: string }): RequestRow[] {
  const csv = generateScheduleAdherenceCsv({ rows: options.rows, seed: options.seed });
  const records = parseCsv(csv, { columns: true, skip_empty_lines: true }) as Record<string, string>[];
  return records.map((record) => {
    const row: Record<string, string | number> = {};
    for (const [column, cell] of Object.entries(record)) {
      if (column === options.target || cell === '') continue;
      const number = Number(cell);
      row[column] = Number.isFinite(number) ? number : cell;
    }
    return row;
  });
}

/** Longer activities, more weather days and every site on the coast: far from the training data. */
export function drifted(row: RequestRow): RequestRow {
  const shifted: Record<string, string | number> = { ...row, region: 'coastal' };
  if (typeof row.planned_duration_days === 'number')
    shifted.planned_duration_days = row.planned_duration_days * 3;
  if (typeof row.weather_days === 'number') shifted.weather_days = row.weather_days + 10;
  return shifted;
}

export interface TrafficSent {
  readonly requests: number;
  readonly rows: number;
  /** Share of rows predicted per label. */
  readonly labels: Readonly<Record<string, number>>;
  /** The versions that answered. */
  readonly versions: readonly number[];
  readonly seconds: number;
}

/** POST /models/<model>/predict, `perRequest` rows at a time, one request after the other. */
export async function sendTraffic(
  endpoint: Endpoint,
  model: string,
  rows: readonly RequestRow[],
  perRequest: number,
): Promise<TrafficSent> {
  const started = performance.now();
  const counts: Record<string, number> = {};
  const versions = new Set<number>();
  let requests = 0;
  for (let at = 0; at < rows.length; at += perRequest) {
    const answer = await callEndpoint(endpoint, `/models/${encodeURIComponent(model)}/predict`, {
      method: 'POST',
      contentType: 'application/json',
      body: JSON.stringify({ rows: rows.slice(at, at + perRequest) }),
    });
    requests++;
    const version = servedVersion(answer);
    if (version !== undefined) versions.add(version);
    const predictions = bodyField(answer.body, 'predictions');
    if (Array.isArray(predictions)) {
      for (const label of predictions) counts[String(label)] = (counts[String(label)] ?? 0) + 1;
    }
  }
  const labels: Record<string, number> = {};
  for (const [label, count] of Object.entries(counts)) labels[label] = count / rows.length;
  return {
    requests,
    rows: rows.length,
    labels,
    versions: [...versions].sort((a, b) => a - b),
    seconds: (performance.now() - started) / 1000,
  };
}
