/**
 * Runs the serverless pipeline's tasks in order on the in-memory ports, exactly as the state machine
 * chains them (each task gets the state the previous ones built), so the later use cases are tested on
 * real prep/plan/train output rather than hand-made payloads.
 */

import { DatasetCache } from '../../../layers/core/pipeline/dataset-cache.ts';
import type { PipelineDeps } from '../../../layers/core/pipeline/deps.ts';
import type { StateAfterRefits } from '../../../layers/core/pipeline/evaluate-run.ts';
import { evaluateRun } from '../../../layers/core/pipeline/evaluate-run.ts';
import { runConfigKey } from '../../../layers/core/pipeline/keys.ts';
import type { CvCell, RefitOutput, TrainingRequest } from '../../../layers/core/pipeline/messages.ts';
import { cvCellSchema } from '../../../layers/core/pipeline/messages.ts';
import { planRun } from '../../../layers/core/pipeline/plan-run.ts';
import { prepareRun } from '../../../layers/core/pipeline/prepare-run.ts';
import type { StateAfterEvaluate } from '../../../layers/core/pipeline/register-model.ts';
import type { StateAfterPlan } from '../../../layers/core/pipeline/select-best.ts';
import { selectBest } from '../../../layers/core/pipeline/select-best.ts';
import { trainCell } from '../../../layers/core/pipeline/train-cell.ts';
import {
  FixedClock,
  MemoryArtifactStore,
  MemoryExperiments,
  MemoryMetrics,
  MemoryOrchestrator,
  MemoryRegistry,
} from '../../support/memory-ports.ts';

export const BUCKET = 'synergy-data';

export interface World {
  readonly artifacts: MemoryArtifactStore;
  readonly experiments: MemoryExperiments;
  readonly registry: MemoryRegistry;
  readonly metrics: MemoryMetrics;
  readonly clock: FixedClock;
  readonly deps: PipelineDeps;
}

/** `makeRegistry` lets a test put a registry that misbehaves on purpose (e.g. races) in place. */
export function newWorld(
  makeRegistry: (clock: FixedClock) => MemoryRegistry = (c) => new MemoryRegistry(c),
): World {
  const clock = new FixedClock();
  const artifacts = new MemoryArtifactStore();
  const experiments = new MemoryExperiments();
  const registry = makeRegistry(clock);
  const metrics = new MemoryMetrics();
  const deps: PipelineDeps = {
    artifacts,
    experiments,
    registry,
    orchestrator: new MemoryOrchestrator(),
    metrics,
    clock,
    bucket: BUCKET,
    codeVersion: 'test-sha',
  };
  return { artifacts, experiments, registry, metrics, clock, deps };
}

export interface RunSpec {
  readonly runId: string;
  readonly modelName: string;
  readonly csv: string;
  /** `_config.json` of the dataset. */
  readonly config: Record<string, unknown>;
  readonly reason?: string;
}

/** Uploads the CSV and config, then Prep and Plan. */
export async function runToPlan(world: World, spec: RunSpec): Promise<StateAfterPlan> {
  const key = `incoming/${spec.modelName}/${spec.runId}.csv`;
  world.artifacts.put({ bucket: BUCKET, key }, spec.csv);
  world.artifacts.put({ bucket: BUCKET, key: runConfigKey(spec.modelName) }, JSON.stringify(spec.config));
  const request: TrainingRequest = {
    modelName: spec.modelName,
    trigger: { kind: 'upload', bucket: BUCKET, key, etag: `etag-${spec.runId}` },
    ...(spec.reason === undefined ? {} : { reason: spec.reason }),
  };
  const prep = await prepareRun(world.deps, { runId: spec.runId, request });
  const plan = await planRun(world.deps, { runId: spec.runId, request, prep });
  return { runId: spec.runId, request, prep, plan };
}

export async function manifestOf(world: World, state: StateAfterPlan): Promise<CvCell[]> {
  return cvCellSchema.array().parse(await world.artifacts.readJson(state.plan.manifest));
}

/** The Distributed Map: every planned cell through the Train task. */
export async function runCells(world: World, state: StateAfterPlan): Promise<void> {
  const datasets = new DatasetCache();
  for (const cell of await manifestOf(world, state)) {
    await trainCell(
      world.deps,
      { runId: state.runId, dataset: state.prep.dataset, cell },
      {
        requestId: 'test-request',
        datasets,
      },
    );
  }
}

/** SelectBest, then the inline Map of refits. */
export async function runRefits(world: World, state: StateAfterPlan): Promise<StateAfterRefits> {
  const selection = await selectBest(world.deps, state);
  const datasets = new DatasetCache();
  const refits: RefitOutput[] = [];
  for (const cell of selection.refits) {
    const output = await trainCell(
      world.deps,
      { runId: state.runId, dataset: state.prep.dataset, cell },
      {
        requestId: 'test-request',
        datasets,
      },
    );
    if (output.kind !== 'refit') throw new Error('a refit cell returned a CV result');
    refits.push(output);
  }
  return { ...state, refits };
}

/** Everything up to and including Evaluate: the state Register receives. */
export async function runToEvaluate(world: World, spec: RunSpec): Promise<StateAfterEvaluate> {
  const planned = await runToPlan(world, spec);
  await runCells(world, planned);
  const refitted = await runRefits(world, planned);
  const evaluation = await evaluateRun(world.deps, refitted);
  return { ...refitted, evaluation };
}
