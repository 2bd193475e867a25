/**
 * In-memory implementations of the ports (layers/core/ports.ts) for use-case tests. They keep the
 * semantics the DynamoDB/S3 adapters promise: conditional creates, status-conditioned updates, gapless
 * versions, revision-conditioned alias moves, NotFoundError on missing objects.
 */
import { createHash, randomUUID } from 'node:crypto';
import { ConflictError, NotFoundError } from '../../layers/core/errors.ts';
import type {
  AliasName,
  AliasRecord,
  AuditRecord,
  CellRecord,
  ModelSummary,
  ModelVersionRecord,
  NewModelVersion,
  RoutingRecord,
  RunPatch,
  RunRecord,
  RunStatus,
} from '../../layers/core/pipeline/records.ts';
import type {
  ArtifactStore,
  Clock,
  Experiments,
  Metrics,
  MetricUnit,
  ObjectRef,
  Orchestrator,
  Registry,
  StoredObject,
  WriteOptions,
  Written,
} from '../../layers/core/ports.ts';

import { describeRouting } from '../../layers/core/serving/routing-record.ts';

const uri = (ref: ObjectRef): string => `s3://${ref.bucket}/${ref.key}`;

async function collect(body: Uint8Array | string | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body.slice();
  const chunks: Uint8Array[] = [];
  for await (const chunk of body) chunks.push(chunk);
  return Buffer.concat(chunks);
}

export class MemoryArtifactStore implements ArtifactStore {
  readonly objects = new Map<string, { bytes: Uint8Array; metadata: Record<string, string>; etag: string }>();

  /** Test helper: puts an object as an upload would. */
  put(ref: ObjectRef, body: Uint8Array | string, metadata: Record<string, string> = {}): void {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const etag = createHash('md5').update(bytes).digest('hex');
    this.objects.set(uri(ref), { bytes, metadata, etag });
  }

  private get(ref: ObjectRef): Uint8Array {
    const found = this.objects.get(uri(ref));
    if (!found) throw new NotFoundError(`no object at ${uri(ref)}`, { uri: uri(ref) });
    return found.bytes;
  }

  async stream(ref: ObjectRef): Promise<AsyncIterable<Uint8Array>> {
    const bytes = this.get(ref);
    // Small chunks so consumers are exercised on chunk boundaries, as with S3 streams.
    return (async function* chunks() {
      for (let i = 0; i < bytes.length; i += 64 * 1024) yield bytes.subarray(i, i + 64 * 1024);
    })();
  }

  async readBytes(ref: ObjectRef): Promise<Uint8Array> {
    return this.get(ref);
  }

  async readJson(ref: ObjectRef): Promise<unknown> {
    return JSON.parse(new TextDecoder().decode(this.get(ref)));
  }

  async head(ref: ObjectRef): Promise<StoredObject | undefined> {
    const found = this.objects.get(uri(ref));
    if (!found) return undefined;
    return { ref, size: found.bytes.length, etag: found.etag, metadata: found.metadata };
  }

  async write(
    ref: ObjectRef,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options: WriteOptions = {},
  ): Promise<Written> {
    const bytes = await collect(body);
    this.put(ref, bytes, { ...(options.metadata ?? {}) });
    return { ref, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length };
  }

  async writeJson(ref: ObjectRef, value: unknown): Promise<Written> {
    return this.write(ref, JSON.stringify(value), { contentType: 'application/json' });
  }

  async *list(bucket: string, prefix: string): AsyncIterable<StoredObject> {
    const start = `s3://${bucket}/${prefix}`;
    for (const key of [...this.objects.keys()].sort()) {
      if (!key.startsWith(start)) continue;
      const ref = { bucket, key: key.slice(`s3://${bucket}/`.length) };
      const head = await this.head(ref);
      if (head) yield head;
    }
  }
}

export class MemoryExperiments implements Experiments {
  readonly runs = new Map<string, RunRecord>();
  readonly cells = new Map<string, Map<string, CellRecord>>();

  async createRun(run: RunRecord): Promise<'created' | 'exists'> {
    if (this.runs.has(run.runId)) return 'exists';
    this.runs.set(run.runId, run);
    return 'created';
  }

  async getRun(runId: string): Promise<RunRecord | undefined> {
    return this.runs.get(runId);
  }

  async updateRun(runId: string, patch: RunPatch, expectStatus?: readonly RunStatus[]): Promise<RunRecord> {
    const run = this.runs.get(runId);
    if (!run) throw new ConflictError(`run ${runId} does not exist`, { runId });
    if (expectStatus && !expectStatus.includes(run.status)) {
      throw new ConflictError(`run ${runId} is ${run.status}, expected ${expectStatus.join(' or ')}`, {
        runId,
        status: run.status,
      });
    }
    const updated: RunRecord = { ...run, ...patch };
    this.runs.set(runId, updated);
    return updated;
  }

  async listRuns(options: { limit?: number; modelName?: string } = {}): Promise<RunRecord[]> {
    const runs = [...this.runs.values()]
      .filter((run) => options.modelName === undefined || run.modelName === options.modelName)
      .sort((a, b) =>
        a.createdAt === b.createdAt ? b.runId.localeCompare(a.runId) : b.createdAt.localeCompare(a.createdAt),
      );
    return options.limit === undefined ? runs : runs.slice(0, options.limit);
  }

  async putCell(cell: CellRecord): Promise<void> {
    let cells = this.cells.get(cell.runId);
    if (!cells) {
      cells = new Map();
      this.cells.set(cell.runId, cells);
    }
    cells.set(cell.cellId, cell);
  }

  async listCells(runId: string): Promise<CellRecord[]> {
    return [...(this.cells.get(runId)?.values() ?? [])].sort((a, b) => a.cellId.localeCompare(b.cellId));
  }

  async countCells(runId: string): Promise<number> {
    return this.cells.get(runId)?.size ?? 0;
  }
}

export class MemoryRegistry implements Registry {
  readonly versions = new Map<string, ModelVersionRecord[]>();
  readonly aliases = new Map<string, AliasRecord>();
  readonly audit: AuditRecord[] = [];

  constructor(private readonly clock: Clock = new FixedClock()) {}

  async createVersion(model: NewModelVersion): Promise<ModelVersionRecord> {
    const list = this.versions.get(model.modelName) ?? [];
    const record: ModelVersionRecord = {
      ...model,
      version: list.length + 1,
      createdAt: this.clock.now().toISOString(),
    };
    list.push(record);
    this.versions.set(model.modelName, list);
    await this.putAudit({
      modelName: model.modelName,
      at: record.createdAt,
      id: randomUUID(),
      action: 'VersionCreated',
      version: record.version,
      reason: `registered by run ${model.lineage.runId}`,
      actor: 'pipeline',
    });
    return record;
  }

  async getVersion(modelName: string, version: number): Promise<ModelVersionRecord | undefined> {
    return this.versions.get(modelName)?.find((v) => v.version === version);
  }

  async listVersions(modelName: string, options: { limit?: number } = {}): Promise<ModelVersionRecord[]> {
    const newestFirst = [...(this.versions.get(modelName) ?? [])].reverse();
    return options.limit === undefined ? newestFirst : newestFirst.slice(0, options.limit);
  }

  async listModels(): Promise<ModelSummary[]> {
    return [...this.versions.keys()].sort().map((modelName) => {
      const champion = this.aliases.get(`${modelName}#champion`)?.version;
      const challenger = this.aliases.get(`${modelName}#challenger`)?.version;
      return {
        modelName,
        latestVersion: this.versions.get(modelName)?.length ?? 0,
        ...(champion === undefined ? {} : { champion }),
        ...(challenger === undefined ? {} : { challenger }),
      };
    });
  }

  async getAlias(modelName: string, alias: AliasName): Promise<AliasRecord | undefined> {
    return this.aliases.get(`${modelName}#${alias}`);
  }

  async moveAlias(move: {
    modelName: string;
    alias: AliasName;
    version: number;
    expectedRevision: number | undefined;
    reason: string;
    actor: string;
  }): Promise<AliasRecord> {
    const key = `${move.modelName}#${move.alias}`;
    const current = this.aliases.get(key);
    if (current?.revision !== move.expectedRevision) {
      throw new ConflictError(
        `alias ${move.alias} of ${move.modelName} is at revision ${current?.revision ?? 'none'}, expected ${move.expectedRevision ?? 'none'}`,
        { modelName: move.modelName, alias: move.alias },
      );
    }
    const at = this.clock.now().toISOString();
    const moved: AliasRecord = {
      modelName: move.modelName,
      alias: move.alias,
      version: move.version,
      revision: (current?.revision ?? 0) + 1,
      updatedAt: at,
    };
    this.aliases.set(key, moved);
    await this.putAudit({
      modelName: move.modelName,
      at,
      id: randomUUID(),
      action: 'AliasMoved',
      version: move.version,
      alias: move.alias,
      ...(current === undefined ? {} : { fromVersion: current.version }),
      reason: move.reason,
      actor: move.actor,
    });
    return moved;
  }

  async putAudit(entry: AuditRecord): Promise<void> {
    this.audit.push(entry);
  }

  async listAudit(modelName: string): Promise<AuditRecord[]> {
    return this.audit.filter((entry) => entry.modelName === modelName);
  }
  readonly routing = new Map<string, RoutingRecord>();

  async getRouting(modelName: string): Promise<RoutingRecord | undefined> {
    return this.routing.get(modelName);
  }

  async putRouting(routing: RoutingRecord): Promise<void> {
    this.routing.set(routing.modelName, routing);
    await this.putAudit({
      modelName: routing.modelName,
      at: routing.updatedAt,
      id: randomUUID(),
      action: 'RoutingChanged',
      reason: describeRouting(routing),
      actor: routing.actor,
    });
  }
}

export class MemoryOrchestrator implements Orchestrator {
  readonly executions = new Map<string, string>();

  async startTraining(name: string, input: unknown): Promise<{ executionArn: string; started: boolean }> {
    const executionArn = `arn:aws:states:us-east-1:000000000000:execution:training:${name}`;
    const json = JSON.stringify(input);
    const existing = this.executions.get(name);
    if (existing !== undefined) {
      if (existing !== json) throw new ConflictError(`execution ${name} exists with another input`, { name });
      return { executionArn, started: false };
    }
    this.executions.set(name, json);
    return { executionArn, started: true };
  }
}

export class MemoryMetrics implements Metrics {
  readonly points: Array<{
    name: string;
    unit: MetricUnit;
    value: number;
    dimensions?: Readonly<Record<string, string>>;
  }> = [];

  add(name: string, unit: MetricUnit, value: number, dimensions?: Readonly<Record<string, string>>): void {
    this.points.push({ name, unit, value, ...(dimensions === undefined ? {} : { dimensions }) });
  }
}

/** A clock that stands still unless advanced. */
export class FixedClock implements Clock {
  constructor(private time: Date = new Date('2026-01-01T00:00:00.000Z')) {}

  now(): Date {
    return new Date(this.time);
  }

  advance(ms: number): void {
    this.time = new Date(this.time.getTime() + ms);
  }
}
