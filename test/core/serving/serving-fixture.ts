/**
 * A serving setup on in-memory ports: models trained here on the generated schedule-adherence data,
 * their documents stored in a MemoryArtifactStore and registered in a MemoryRegistry, aliases and
 * routing moved as the pipeline and the CLI would. Logs, metrics and captured rows are recorded.
 */
import { generateScheduleAdherenceCsv } from '../../../layers/core/demo/schedule-adherence.ts';
import {
  buildModelDocument,
  parseModelDocument,
  sha256Hex,
} from '../../../layers/core/pipeline/model-document.ts';
import type { AliasName, ModelVersionRecord, RoutingRecord } from '../../../layers/core/pipeline/records.ts';
import type { CapturedRow, ServingDeps, ServingSettings } from '../../../layers/core/serving/deps.ts';
import type { HttpRequest } from '../../../layers/core/serving/http.ts';
import { prepareCsv } from '../../../layers/ml/data/prepare.ts';
import type { ModelName } from '../../../layers/ml/models/classifier.ts';
import { createModel } from '../../../layers/ml/models/registry.ts';
import { Random } from '../../../layers/ml/random.ts';
import {
  FixedClock,
  MemoryArtifactStore,
  MemoryMetrics,
  MemoryRegistry,
} from '../../support/memory-ports.ts';

export const BUCKET = 'synergy-test-data';
export const MODEL = 'schedule';

export interface TrainedDocument {
  readonly algorithm: ModelName;
  readonly params: Readonly<Record<string, unknown>>;
  readonly bytes: Uint8Array;
  readonly sha256: string;
}

export interface LogLine {
  readonly level: 'info' | 'warn';
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

const csvCache = new Map<number, string>();

/** The generated training data (seeded, so every run trains the same models). */
export function scheduleCsv(rows = 400, seed = 5): string {
  const key = rows * 1000 + seed;
  let csv = csvCache.get(key);
  if (csv === undefined) {
    csv = generateScheduleAdherenceCsv({ rows, seed });
    csvCache.set(key, csv);
  }
  return csv;
}

const trained = new Map<string, Promise<TrainedDocument>>();

/** Trains (once per process and arguments) a model on the schedule data and builds its document. */
export function trainDocument(
  algorithm: ModelName,
  params: Readonly<Record<string, unknown>>,
  seed = 1,
  rows = 400,
): Promise<TrainedDocument> {
  const key = JSON.stringify([algorithm, params, seed, rows]);
  let found = trained.get(key);
  if (found === undefined) {
    found = (async () => {
      const prepared = await prepareCsv(scheduleCsv(rows), { target: 'on_time', seed });
      const model = createModel(algorithm, params, seed);
      model.fit(prepared.train);
      const bytes = buildModelDocument({
        algorithm,
        params,
        preprocessor: prepared.preprocessor.toJSON(),
        model: model.toJSON(),
        metrics: { testAccuracy: 0.8, cvAccuracy: 0.8, cvStd: 0.01 },
        runId: `run-${algorithm}-${seed}`,
      });
      model.dispose();
      return { algorithm, params, bytes, sha256: sha256Hex(bytes) };
    })();
    trained.set(key, found);
  }
  return found;
}

let rowCache: readonly Readonly<Record<string, number | string | null>>[] | undefined;

/** A few raw rows of the training data as a client would send them (numbers as numbers), fresh copies. */
export function sampleRows(count: number, offset = 0): Record<string, number | string | null>[] {
  rowCache ??= (() => {
    const [header, ...lines] = scheduleCsv().trim().split('\n');
    const names = header.split(',');
    return lines.map((line) => {
      const cells = line.split(',');
      const row: Record<string, number | string | null> = {};
      names.forEach((name, j) => {
        if (name === 'on_time') return;
        const cell = cells[j];
        const numeric = Number(cell);
        row[name] = cell === '' ? null : Number.isFinite(numeric) ? numeric : cell;
      });
      return row;
    });
  })();
  return rowCache.slice(offset, offset + count).map((row) => ({ ...row }));
}

export class ServingFixture {
  readonly artifacts = new MemoryArtifactStore();
  readonly clock = new FixedClock();
  readonly registry = new MemoryRegistry(this.clock);
  readonly metrics = new MemoryMetrics();
  readonly logs: LogLine[] = [];
  readonly captured: CapturedRow[] = [];
  readonly deps: ServingDeps;
  private requests = 0;

  constructor(
    options: {
      readonly settings?: Partial<ServingSettings>;
      readonly random?: () => number;
      readonly captureAll?: boolean;
    } = {},
  ) {
    const seeded = new Random(7);
    this.deps = {
      artifacts: this.artifacts,
      registry: this.registry,
      metrics: this.metrics,
      clock: this.clock,
      log: {
        info: (message, fields = {}) => this.logs.push({ level: 'info', message, fields }),
        warn: (message, fields = {}) => this.logs.push({ level: 'warn', message, fields }),
      },
      capture: {
        offer: (rows) => {
          if (options.captureAll === true) this.captured.push(...rows());
        },
        flush: async () => {},
      },
      random: options.random ?? (() => seeded.next()),
      settings: { aliasTtlMs: 5_000, modelCacheSize: 8, ...options.settings },
    };
  }

  /** Stores the document and registers it as the model's next version. */
  async register(document: TrainedDocument, modelName = MODEL): Promise<ModelVersionRecord> {
    const key = `models/${modelName}/${document.sha256}.json`;
    this.artifacts.put({ bucket: BUCKET, key }, document.bytes);
    const { signature } = parseModelDocument(document.bytes);
    return this.registry.createVersion({
      modelName,
      algorithm: document.algorithm,
      params: document.params,
      artifact: { uri: `s3://${BUCKET}/${key}`, sha256: document.sha256, size: document.bytes.length },
      signature,
      metrics: { testAccuracy: 0.8, cvAccuracy: 0.8, cvStd: 0.01 },
      lineage: {
        runId: 'run-1',
        trigger: 'manual',
        dataset: { uri: `s3://${BUCKET}/uploads/schedule.csv`, digest: 'd'.repeat(64) },
        codeVersion: 'test',
      },
    });
  }

  async moveAlias(alias: AliasName, version: number, modelName = MODEL): Promise<void> {
    const current = await this.registry.getAlias(modelName, alias);
    await this.registry.moveAlias({
      modelName,
      alias,
      version,
      expectedRevision: current?.revision,
      reason: 'test',
      actor: 'test',
    });
  }

  async route(weights: RoutingRecord['weights'], shadow?: AliasName, modelName = MODEL): Promise<void> {
    await this.registry.putRouting({
      modelName,
      weights,
      ...(shadow === undefined ? {} : { shadow }),
      updatedAt: this.clock.now().toISOString(),
      actor: 'test',
    });
  }

  /** Flips one byte of a stored artifact, as a tampered or corrupted object would read. */
  tamper(record: ModelVersionRecord, at = 100): void {
    const uri = record.artifact.uri;
    const stored = this.artifacts.objects.get(uri);
    if (stored === undefined) throw new Error(`no artifact at ${uri}`);
    const bytes = stored.bytes.slice();
    bytes[at] ^= 0x01;
    this.artifacts.objects.set(uri, { ...stored, bytes });
  }

  logged(message: string): LogLine[] {
    return this.logs.filter((line) => line.message === message);
  }

  /** A request as the predict function builds it from an API Gateway v2 event. */
  request(
    routeKey: string,
    options: {
      readonly name?: string;
      readonly version?: string;
      readonly query?: Record<string, string>;
      readonly body?: string | object;
      readonly contentType?: string;
    } = {},
  ): HttpRequest {
    const name = options.name ?? MODEL;
    const pathParameters: Record<string, string> = {};
    let path = routeKey.slice(routeKey.indexOf(' ') + 1);
    if (path.includes('{name}')) {
      pathParameters.name = name;
      path = path.replace('{name}', encodeURIComponent(name));
    }
    if (path.includes('{version}')) {
      pathParameters.version = options.version ?? '1';
      path = path.replace('{version}', pathParameters.version);
    }
    const body =
      options.body === undefined || typeof options.body === 'string'
        ? options.body
        : JSON.stringify(options.body);
    this.requests++;
    return {
      method: routeKey.slice(0, routeKey.indexOf(' ')),
      routeKey,
      path,
      pathParameters,
      query: options.query ?? {},
      headers: { 'content-type': options.contentType ?? 'application/json' },
      body,
      requestId: `req-${this.requests}`,
    };
  }
}
