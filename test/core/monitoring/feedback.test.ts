import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../layers/core/errors.ts';
import { type FeedbackDeps, recordFeedback } from '../../../layers/core/monitoring/feedback.ts';
import { labelledPrefix } from '../../../layers/core/pipeline/keys.ts';
import type { ObjectRef } from '../../../layers/core/ports.ts';
import { captureKey } from '../../../layers/core/serving/capture-key.ts';
import type { CapturedRow } from '../../../layers/core/serving/deps.ts';
import { DataError } from '../../../layers/ml/errors.ts';
import { MemoryAlarms } from '../../support/memory-alarms.ts';
import {
  FixedClock,
  MemoryArtifactStore,
  MemoryMetrics,
  MemoryRegistry,
} from '../../support/memory-ports.ts';
import { MONITOR_SETTINGS } from '../../support/monitor-settings.ts';

const BUCKET = 'feedback-test';
const MODEL = 'm';
const NOW = new Date('2026-01-10T12:00:00.000Z');
const SOURCE: ObjectRef = { bucket: BUCKET, key: `feedback/${MODEL}/week-2.csv` };

function captured(
  requestId: string,
  row: number,
  input: Record<string, unknown>,
  prediction: string,
): CapturedRow {
  return {
    requestId,
    row,
    at: '2026-01-09T10:00:00.000Z',
    model: MODEL,
    version: 1,
    alias: 'champion',
    input,
    prediction,
    probabilities: {},
  };
}

/** Predictions served yesterday (and one a month ago, outside the 7-day lookback). */
const CAPTURED: CapturedRow[] = [
  captured('req-1', 0, { duration: 12.5, site: 'north, "A"' }, 'late'),
  captured('req-1', 1, { duration: 3, site: 'south' }, 'on_time'),
  captured('req-1', 2, { duration: null, site: 'east' }, 'on_time'),
  captured('req-2', 0, { duration: 7, site: 'multi\nline' }, 'late'),
  captured('req-3', 0, { duration: 1, site: 'west' }, 'on_time'),
];

async function world(options: { champion?: boolean } = {}) {
  const clock = new FixedClock(NOW);
  const artifacts = new MemoryArtifactStore();
  const registry = new MemoryRegistry(clock);
  const metrics = new MemoryMetrics();
  const alarms = new MemoryAlarms(clock);
  await registry.createVersion({
    modelName: MODEL,
    algorithm: 'LogisticRegression',
    params: {},
    artifact: { uri: `s3://${BUCKET}/models/${MODEL}/r/model.json`, sha256: 'a'.repeat(64), size: 1 },
    signature: {
      inputs: [
        { name: 'duration', type: 'number', optional: true },
        { name: 'site', type: 'string', optional: false },
      ],
      target: 'outcome',
      classes: ['late', 'on_time'],
    },
    metrics: { testAccuracy: 0.9, cvAccuracy: 0.9, cvStd: 0 },
    lineage: { runId: 'r', trigger: 'upload', dataset: { uri: 's3://x/y', digest: 'd' }, codeVersion: 't' },
  });
  if (options.champion !== false) {
    await registry.moveAlias({
      modelName: MODEL,
      alias: 'champion',
      version: 1,
      expectedRevision: undefined,
      reason: 'test',
      actor: 'test',
    });
  }
  const lines = (rows: CapturedRow[]) => rows.map((row) => `${JSON.stringify(row)}\n`).join('');
  artifacts.put(
    { bucket: BUCKET, key: captureKey(MODEL, new Date('2026-01-09T10:00:05Z'), 'a') },
    lines(CAPTURED),
  );
  const old = {
    ...captured('req-old', 0, { duration: 2, site: 'x' }, 'late'),
    at: '2025-12-01T10:00:00.000Z',
  };
  artifacts.put(
    { bucket: BUCKET, key: captureKey(MODEL, new Date('2025-12-01T10:00:05Z'), 'b') },
    lines([old]),
  );
  const deps: FeedbackDeps = {
    artifacts,
    registry,
    metrics,
    alarms,
    clock,
    bucket: BUCKET,
    settings: MONITOR_SETTINGS,
    lookbackDays: 7,
  };
  return { deps, artifacts, metrics, alarms };
}

const FEEDBACK = [
  'request_id,row,outcome',
  'req-1,0,late', // predicted late: right
  'req-1,1,late', // predicted on_time: wrong
  'req-1,2,on_time', // right
  'req-2,,on_time', // row defaults to 0; predicted late: wrong
  'req-3,0,on_time', // right
  'req-9,0,late', // never captured
  'req-old,0,late', // captured before the lookback
  '',
].join('\n');

const labelledObjects = (artifacts: MemoryArtifactStore) =>
  [...artifacts.objects.keys()].filter((key) => key.startsWith(`s3://${BUCKET}/${labelledPrefix(MODEL)}`));

const text = (artifacts: MemoryArtifactStore, uri: string) =>
  new TextDecoder().decode(artifacts.objects.get(uri)?.bytes);

async function failure(promise: Promise<unknown>): Promise<DataError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof DataError)) throw new Error(`expected a DataError, got ${String(error)}`);
  return error;
}

describe('recordFeedback', () => {
  it('joins feedback with captured predictions by request id and row, and scores them', async () => {
    const { deps, artifacts, metrics } = await world();
    artifacts.put(SOURCE, FEEDBACK);
    const result = await recordFeedback(deps, SOURCE);
    // 5 matched, 3 right; actual late: 1 of 2 right, actual on_time: 2 of 3 right.
    expect(result).toEqual({
      model: MODEL,
      source: `s3://${BUCKET}/${SOURCE.key}`,
      rows: 7,
      matched: 5,
      unmatched: 2,
      accuracy: 3 / 5,
      recall: { late: 1 / 2, on_time: 2 / 3 },
      labelledUri: expect.stringMatching(
        new RegExp(`^s3://${BUCKET}/monitoring/m/labelled/[0-9a-f]{32}\\.csv$`),
      ),
    });
    expect(metrics.points).toEqual([
      { name: 'FeedbackRows', unit: 'Count', value: 7, dimensions: { model: MODEL } },
      { name: 'FeedbackMatched', unit: 'Count', value: 5, dimensions: { model: MODEL } },
      { name: 'LiveAccuracy', unit: 'None', value: 0.6, dimensions: { model: MODEL } },
      { name: 'LiveRecall', unit: 'None', value: 0.5, dimensions: { model: MODEL, class: 'late' } },
      { name: 'LiveRecall', unit: 'None', value: 2 / 3, dimensions: { model: MODEL, class: 'on_time' } },
    ]);
  });

  it('writes the matched inputs with their actual labels, in the signature’s column order', async () => {
    const { deps, artifacts } = await world();
    artifacts.put(SOURCE, FEEDBACK);
    const { labelledUri } = await recordFeedback(deps, SOURCE);
    expect(text(artifacts, labelledUri ?? '')).toBe(
      [
        'duration,site,outcome',
        '12.5,"north, ""A""",late',
        '3,south,late',
        ',east,on_time',
        '7,"multi\nline",on_time',
        '1,west,on_time',
        '',
      ].join('\n'),
    );
  });

  it('rewrites the same labelled object when the event is redelivered, a new one for a new upload', async () => {
    const { deps, artifacts } = await world();
    artifacts.put(SOURCE, FEEDBACK);
    const first = await recordFeedback(deps, SOURCE);
    const again = await recordFeedback(deps, SOURCE);
    expect(again.labelledUri).toBe(first.labelledUri);
    expect(labelledObjects(artifacts)).toHaveLength(1);

    artifacts.put(SOURCE, 'request_id,actual\nreq-3,late\n');
    const replaced = await recordFeedback(deps, SOURCE);
    expect(replaced.labelledUri).not.toBe(first.labelledUri);
    expect(labelledObjects(artifacts)).toHaveLength(2);
  });

  it('accepts inference_id / requestId and actual / label / ground_truth', async () => {
    const { deps, artifacts } = await world();
    for (const [id, label] of [
      ['inference_id', 'actual'],
      ['requestId', 'label'],
      ['request_id', 'ground_truth'],
    ]) {
      artifacts.put(SOURCE, `${label},${id}\nlate,req-3\non_time,req-2\n`);
      const result = await recordFeedback(deps, SOURCE);
      expect(result).toMatchObject({ rows: 2, matched: 2, accuracy: 0, recall: { late: 0, on_time: 0 } });
    }
  });

  it('with no match: accuracy null, no LiveAccuracy datapoint, no labelled file, alarm still ensured', async () => {
    const { deps, artifacts, metrics, alarms } = await world();
    artifacts.put(SOURCE, 'request_id,outcome\nnope,late\nreq-old,late\n');
    const result = await recordFeedback(deps, SOURCE);
    expect(result).toEqual({
      model: MODEL,
      source: `s3://${BUCKET}/${SOURCE.key}`,
      rows: 2,
      matched: 0,
      unmatched: 2,
      accuracy: null,
      recall: {},
    });
    expect(metrics.points.map((p) => [p.name, p.value])).toEqual([
      ['FeedbackRows', 2],
      ['FeedbackMatched', 0],
    ]);
    expect(labelledObjects(artifacts)).toEqual([]);
    expect(alarms.puts.map((a) => [a.name, a.metricName, a.threshold])).toEqual([
      ['synergy-test-m-accuracy', 'LiveAccuracy', 0.7],
    ]);
  });

  it('refuses a bad file as a whole, naming the row and column, with nothing written or emitted', async () => {
    const cases: Array<[string, string, number, string]> = [
      ['request_id,row,verdict\nreq-1,0,late\n', 'TARGET_MISSING', 1, 'outcome'],
      ['id,outcome\nreq-1,late\n', 'UNKNOWN_COLUMN', 1, 'request_id'],
      ['request_id,row,outcome\nreq-1,0,late\nreq-1,x,late\n', 'INVALID_VALUE', 3, 'row'],
      ['request_id,row,outcome\nreq-1,-1,late\n', 'INVALID_VALUE', 2, 'row'],
      ['request_id,row,outcome\nreq-1,0,late\nreq-1,1, \n', 'MISSING_TARGET_VALUE', 3, 'outcome'],
      ['request_id,outcome\n,late\n', 'INVALID_VALUE', 2, 'request_id'],
      ['request_id,row,outcome\nreq-1,0,late\nreq-1,0\n', 'RAGGED_ROW', 3, ''],
      [
        'request_id,row,outcome\nreq-1,0,late\nreq-3,0,late\nreq-1,,on_time\n',
        'INVALID_VALUE',
        4,
        'request_id',
      ],
    ];
    for (const [csv, code, row, column] of cases) {
      const { deps, artifacts, metrics, alarms } = await world();
      artifacts.put(SOURCE, csv);
      const error = await failure(recordFeedback(deps, SOURCE));
      expect({ code: error.code, row: error.row }).toEqual({ code, row });
      expect(error.message).toMatch(new RegExp(`^row ${row}\\b`));
      if (column !== '') {
        expect(error.column).toBe(column);
        expect(error.message).toContain(`"${column}"`);
      }
      expect(labelledObjects(artifacts)).toEqual([]);
      expect(metrics.points).toEqual([]);
      expect(alarms.puts).toEqual([]);
    }
  });

  it('names the earlier row of a repeated prediction', async () => {
    const { deps, artifacts } = await world();
    artifacts.put(SOURCE, 'request_id,row,outcome\nreq-1,0,late\nreq-3,0,late\nreq-1,,on_time\n');
    const error = await failure(recordFeedback(deps, SOURCE));
    expect(error.message).toContain('already has a label at row 2');
  });

  it('needs a champion (its signature names the columns)', async () => {
    const { deps, artifacts } = await world({ champion: false });
    artifacts.put(SOURCE, FEEDBACK);
    await expect(recordFeedback(deps, SOURCE)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a key that is not a feedback upload', async () => {
    const { deps, artifacts } = await world();
    const elsewhere = { bucket: BUCKET, key: `monitoring/${MODEL}/labelled/x.csv` };
    artifacts.put(elsewhere, FEEDBACK);
    await expect(recordFeedback(deps, elsewhere)).rejects.toThrow('is not a feedback upload');
  });
});
