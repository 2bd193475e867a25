/**
 * The Register task: the run's model document becomes the next version of the model (gapless, via the
 * registry's conditional put) with the run's drift baseline copied next to it, the version is announced,
 * the challenger alias moves to it, and the promotion gate decides whether the Promote task should make
 * it champion. Safe under Lambda retries: a run registers at most one version, and nothing is written to
 * the registry unless the artifact is in place and verified.
 */
import { z } from 'zod';
import { ConflictError } from '../errors.ts';
import { copyBaselineToVersion } from '../monitoring/baseline-artifacts.ts';
import type { ObjectRef, RegistryEvents } from '../ports.ts';
import type { PipelineDeps } from './deps.ts';
import type { Holdout } from './holdout.ts';
import { readHoldout } from './holdout.ts';
import { refOfUri, s3Uri } from './keys.ts';
import type { RegistrationOutput, runStateAfterEvaluateSchema } from './messages.ts';
import { ArtifactIntegrityError, parseModelDocument } from './model-document.ts';
import { runPromotionGate } from './promotion-gate.ts';
import type { ModelVersionRecord } from './records.ts';
import { enterStage } from './stage-progress.ts';

export type StateAfterEvaluate = z.infer<typeof runStateAfterEvaluateSchema>;
type RegisterDeps = Pick<
  PipelineDeps,
  'artifacts' | 'experiments' | 'registry' | 'metrics' | 'clock' | 'bucket' | 'codeVersion'
> & {
  /** Where the new version is announced (ModelVersionCreated on EventBridge); optional. */
  readonly events?: RegistryEvents;
};

/** How far back a retried Register looks for the version its first attempt created. */
const RECENT_VERSIONS = 20;
/** Attempts at moving the challenger alias when other runs move it at the same time. */
const ALIAS_ATTEMPTS = 5;

const gateConfig = z.object({ promotionMargin: z.number().min(0) });

/**
 * Where a registered version's document lives. Keyed by run, not by version: the version number is only
 * known after createVersion's conditional put, and the artifact must be in place (and verified) before the
 * version record points at it. A retried run writes the same key again.
 */
export function modelArtifactKey(modelName: string, runId: string): string {
  return `models/${modelName}/${runId}/model.json`;
}

/** The actor recorded in the registry's audit trail for the pipeline's changes. */
export function runActor(runId: string): string {
  return `run/${runId}`;
}

export async function registerModel(
  deps: RegisterDeps,
  state: StateAfterEvaluate,
  signal?: AbortSignal,
): Promise<RegistrationOutput> {
  const stage = await enterStage(deps, state.runId, 'register');
  const { promotionMargin } = gateConfig.parse(state.prep.config);
  // Read before any registry write: a broken holdout must fail the run with the registry untouched.
  const holdout: Holdout = await readHoldout(deps.artifacts, state.prep.holdout, state.prep.target, signal);
  const version = (await findRegistered(deps, state)) ?? (await createVersion(deps, state, signal));
  // Before any alias points at it: the monitor reads the champion's baseline.
  await copyBaselineToVersion(deps, state.runId, version.modelName, version.version, signal);
  await announce(deps, version);
  await moveChallenger(deps, version);
  const gate = await runPromotionGate(deps, version, holdout, promotionMargin, signal);
  await stage.finish();
  return {
    modelName: version.modelName,
    version: version.version,
    artifact: refOfUri(version.artifact.uri),
    promote: gate.promote,
    gate: {
      newAccuracy: gate.newAccuracy,
      ...(gate.championVersion === undefined ? {} : { championVersion: gate.championVersion }),
      ...(gate.championAccuracy === undefined ? {} : { championAccuracy: gate.championAccuracy }),
      margin: gate.margin,
      reason: gate.reason,
    },
  };
}

/** The version an earlier attempt of this run created, if it got that far. */
async function findRegistered(
  deps: Pick<PipelineDeps, 'registry'>,
  state: StateAfterEvaluate,
): Promise<ModelVersionRecord | undefined> {
  const recent = await deps.registry.listVersions(state.request.modelName, { limit: RECENT_VERSIONS });
  return recent.find((version) => version.lineage.runId === state.runId);
}

async function createVersion(
  deps: RegisterDeps,
  state: StateAfterEvaluate,
  signal: AbortSignal | undefined,
): Promise<ModelVersionRecord> {
  const { modelName } = state.request;
  const expected = state.evaluation.sha256;
  const bytes = await deps.artifacts.readBytes(state.evaluation.modelDocument, signal);
  const document = parseModelDocument(bytes, expected);
  const target: ObjectRef = { bucket: deps.bucket, key: modelArtifactKey(modelName, state.runId) };
  const written = await deps.artifacts.write(target, bytes, {
    contentType: 'application/json',
    metadata: { sha256: expected, 'run-id': state.runId },
  });
  if (written.sha256 !== expected) {
    throw new ArtifactIntegrityError(
      `${s3Uri(target)}: stored bytes have sha256 ${written.sha256}, expected ${expected}`,
      { uri: s3Uri(target), expected, actual: written.sha256 },
    );
  }
  const { trigger, reason } = state.request;
  const version = await deps.registry.createVersion({
    modelName,
    algorithm: document.algorithm,
    params: document.params,
    artifact: { uri: s3Uri(target), sha256: expected, size: written.size },
    signature: document.signature,
    metrics: document.metrics,
    lineage: {
      runId: state.runId,
      trigger: trigger.kind,
      ...(reason === undefined ? {} : { reason }),
      dataset: { uri: state.prep.source.uri, digest: state.prep.source.digest },
      codeVersion: deps.codeVersion,
    },
  });
  deps.metrics.add('ModelVersionsRegistered', 'Count', 1, { modelName });
  return version;
}

/**
 * ModelVersionCreated, published again by a retried Register (at least once, as EventBridge delivers):
 * the event is the same every time (its time is the version's), so consumers can drop repeats by
 * model and version.
 */
async function announce(deps: Pick<RegisterDeps, 'events'>, version: ModelVersionRecord): Promise<void> {
  const { lineage } = version;
  await deps.events?.publish([
    {
      type: 'ModelVersionCreated',
      modelName: version.modelName,
      version: version.version,
      runId: lineage.runId,
      trigger: lineage.trigger,
      ...(lineage.reason === undefined ? {} : { reason: lineage.reason }),
      testAccuracy: version.metrics.testAccuracy,
      at: version.createdAt,
    },
  ]);
}

/**
 * The challenger is the newest registered version: it moves to this one unless it is there already or a
 * later run has since registered a newer one (a retry must not move it back).
 */
async function moveChallenger(
  deps: Pick<PipelineDeps, 'registry'>,
  version: ModelVersionRecord,
): Promise<void> {
  let lastConflict: ConflictError | undefined;
  for (let attempt = 0; attempt < ALIAS_ATTEMPTS; attempt++) {
    const current = await deps.registry.getAlias(version.modelName, 'challenger');
    if (current && current.version >= version.version) return;
    try {
      await deps.registry.moveAlias({
        modelName: version.modelName,
        alias: 'challenger',
        version: version.version,
        expectedRevision: current?.revision,
        reason: `registered by run ${version.lineage.runId}`,
        actor: runActor(version.lineage.runId),
      });
      return;
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      lastConflict = error;
    }
  }
  throw new ConflictError(
    `${version.modelName}: could not move the challenger alias to v${version.version} after ${ALIAS_ATTEMPTS} attempts`,
    { modelName: version.modelName, version: version.version },
    { cause: lastConflict },
  );
}
