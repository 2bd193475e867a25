/**
 * A baseline's life in S3. Prep writes it next to the run (runs/<runId>/statistics.json and
 * constraints.json, SageMaker Model Monitor formats); Register copies both next to the version
 * (models/<model>/<version>/), so a version keeps its baseline whatever happens to its run; the monitor
 * reads the champion's. statistics.json is written last on both paths: its presence means the pair is
 * complete.
 */

import { baselineFromStatisticsJson } from '../../ml/drift/baseline-from-statistics-json.ts';
import { toConstraintsJson } from '../../ml/drift/constraints-json.ts';
import { toStatisticsJson } from '../../ml/drift/statistics-json.ts';
import type { Baseline } from '../../ml/drift/types.ts';
import { NotFoundError, SynergyError } from '../errors.ts';
import { s3Uri } from '../pipeline/keys.ts';
import type { ArtifactStore, ObjectRef } from '../ports.ts';
import {
  runConstraintsKey,
  runStatisticsKey,
  versionConstraintsKey,
  versionStatisticsKey,
} from './monitoring-keys.ts';

export interface BaselineStore {
  readonly artifacts: ArtifactStore;
  readonly bucket: string;
}

/** A statistics.json that is not a baseline Synergy can read; the message names the object and field. */
export class BaselineFormatError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'BaselineFormatError';
  }
}

export async function writeRunBaseline(
  deps: BaselineStore,
  runId: string,
  baseline: Baseline,
  datasetName: string,
): Promise<void> {
  const ref = (key: string): ObjectRef => ({ bucket: deps.bucket, key });
  await deps.artifacts.writeJson(ref(runConstraintsKey(runId)), toConstraintsJson(baseline));
  await deps.artifacts.writeJson(ref(runStatisticsKey(runId)), toStatisticsJson(baseline, { datasetName }));
}

/**
 * Copies a run's baseline to the version it registered, byte for byte; idempotent, so a retried Register
 * copies again harmlessly. A run without one (prepared before monitoring existed) copies nothing: false.
 */
export async function copyBaselineToVersion(
  deps: BaselineStore,
  runId: string,
  modelName: string,
  version: number,
  signal?: AbortSignal,
): Promise<boolean> {
  const ref = (key: string): ObjectRef => ({ bucket: deps.bucket, key });
  const statistics = ref(runStatisticsKey(runId));
  if ((await deps.artifacts.head(statistics)) === undefined) return false;
  const constraints = await deps.artifacts.readBytes(ref(runConstraintsKey(runId)), signal);
  const statisticsBytes = await deps.artifacts.readBytes(statistics, signal);
  const json = { contentType: 'application/json' };
  await deps.artifacts.write(ref(versionConstraintsKey(modelName, version)), constraints, json);
  await deps.artifacts.write(ref(versionStatisticsKey(modelName, version)), statisticsBytes, json);
  return true;
}

/** The baseline a version is monitored against. NotFoundError when it has none. */
export async function readVersionBaseline(
  deps: BaselineStore,
  modelName: string,
  version: number,
  signal?: AbortSignal,
): Promise<Baseline> {
  const ref: ObjectRef = { bucket: deps.bucket, key: versionStatisticsKey(modelName, version) };
  let json: unknown;
  try {
    json = await deps.artifacts.readJson(ref, signal);
  } catch (error) {
    if (!(error instanceof NotFoundError)) throw error;
    throw new NotFoundError(
      `${modelName} v${version} has no baseline (${s3Uri(ref)}): it was registered before monitoring existed; retrain the model to monitor it`,
      { modelName, version, uri: s3Uri(ref) },
      { cause: error },
    );
  }
  try {
    return baselineFromStatisticsJson(json);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new BaselineFormatError(
      `${s3Uri(ref)}: not a readable baseline: ${reason}`,
      { modelName, version, uri: s3Uri(ref) },
      { cause: error },
    );
  }
}
