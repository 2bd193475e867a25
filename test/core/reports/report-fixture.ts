/**
 * A real run for the report tests: the Palmer penguins (vega-datasets, 344 rows, 3 species, a few empty
 * cells) through every task of the serverless pipeline on the in-memory ports, exactly as the state
 * machine chains them (Prep → Plan → cells → SelectBest → refits → Evaluate → Register → Promote →
 * Finish), with Finish writing the report. The clock is the wall clock, so stage timings are real.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FinishOutput } from '../../../layers/core/pipeline/finish-run.ts';
import { finishRun } from '../../../layers/core/pipeline/finish-run.ts';
import { promoteModel } from '../../../layers/core/pipeline/promote-model.ts';
import { registerModel } from '../../../layers/core/pipeline/register-model.ts';
import type { FunctionMemory } from '../../../layers/core/reports/cost-estimate.ts';
import type { ReportReadDeps } from '../../../layers/core/reports/read-report-inputs.ts';
import { writeRunReport } from '../../../layers/core/reports/write-run-report.ts';
import {
  FixedClock,
  MemoryArtifactStore,
  MemoryExperiments,
  MemoryMetrics,
  MemoryOrchestrator,
  MemoryRegistry,
} from '../../support/memory-ports.ts';
import type { World } from '../pipeline/pipeline-fixture.ts';
import { BUCKET, runToEvaluate } from '../pipeline/pipeline-fixture.ts';

/** serverless.yml's sizes at the time of writing; the tests only need plausible, distinct values. */
export const MEMORY_MB: FunctionMemory = {
  prep: 3008,
  plan: 1024,
  train: 3008,
  selectBest: 1024,
  evaluate: 3008,
  register: 2048,
  promote: 2048,
  finishRun: 256,
};

/** Real time, so each stage's recorded duration is what it took. */
class WallClock extends FixedClock {
  override now(): Date {
    return new Date();
  }
}

export function wallClockWorld(): World {
  const clock = new WallClock();
  const artifacts = new MemoryArtifactStore();
  const experiments = new MemoryExperiments();
  const registry = new MemoryRegistry(clock);
  const metrics = new MemoryMetrics();
  return {
    artifacts,
    experiments,
    registry,
    metrics,
    clock,
    deps: {
      artifacts,
      experiments,
      registry,
      orchestrator: new MemoryOrchestrator(),
      metrics,
      clock,
      bucket: BUCKET,
      codeVersion: 'test-sha-0123456',
    },
  };
}

const PENGUIN_COLUMNS = [
  'Island',
  'Beak Length (mm)',
  'Beak Depth (mm)',
  'Flipper Length (mm)',
  'Body Mass (g)',
  'Sex',
  'Species',
] as const;

function csvCell(value: unknown): string {
  if (value === null || value === undefined || value === '.') return '';
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** penguins.json as a CSV with the species last (the target); `rename` renames columns in the header. */
export function penguinsCsv(rename: Readonly<Record<string, string>> = {}): string {
  const path = fileURLToPath(
    new URL('../../../node_modules/vega-datasets/data/penguins.json', import.meta.url),
  );
  const rows = JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>[];
  const header = PENGUIN_COLUMNS.map((c) => csvCell(rename[c] ?? c)).join(',');
  return [header, ...rows.map((row) => PENGUIN_COLUMNS.map((c) => csvCell(row[c])).join(','))].join('\n');
}

/** Four models, two configurations each (one for RandomForest), three folds: 21 cells, seconds to run. */
export const SMALL_CONFIG = {
  models: ['LogisticRegression', 'DecisionTree', 'RandomForest', 'KNN'],
  grids: {
    LogisticRegression: { C: [0.1, 1] },
    DecisionTree: { max_depth: [2, 4] },
    RandomForest: { n_estimators: [10], max_depth: [4] },
    KNN: { n_neighbors: [3, 9] },
  },
  folds: 3,
  seed: 42,
} as const;

export interface RealRun {
  readonly world: World;
  readonly runId: string;
  readonly finish: FinishOutput;
  /** What the report reads with (the world's ports and MEMORY_MB). */
  readonly reportDeps: ReportReadDeps;
}

/** Runs the whole pipeline; Finish writes the report to reports/<runId>/index.html. */
export async function realRun(
  options: { csv?: string; runId?: string; modelName?: string } = {},
): Promise<RealRun> {
  const world = wallClockWorld();
  const runId = options.runId ?? 'run-penguins-1';
  const modelName = options.modelName ?? 'penguins';
  const reportDeps: ReportReadDeps = { ...world.deps, memoryMb: MEMORY_MB };
  const evaluated = await runToEvaluate(world, {
    runId,
    modelName,
    csv: options.csv ?? penguinsCsv(),
    config: SMALL_CONFIG,
    reason: 'report test',
  });
  const registration = await registerModel(world.deps, evaluated);
  const registered = { ...evaluated, registration };
  const promotion = registration.promote ? await promoteModel(world.deps, registered) : undefined;
  const finish = await finishRun(
    { ...world.deps, writeReport: (id, signal) => writeRunReport(reportDeps, id, signal) },
    { ...registered, ...(promotion === undefined ? {} : { promotion }) },
  );
  return { world, runId, finish, reportDeps };
}

export function reportHtml(run: RealRun): string {
  const stored = run.world.artifacts.objects.get(`s3://${BUCKET}/reports/${run.runId}/index.html`);
  if (!stored) throw new Error(`no report for ${run.runId}`);
  return new TextDecoder().decode(stored.bytes);
}
