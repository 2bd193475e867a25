/**
 * The Promote task: moves the champion alias to the registered version, conditioned on the alias's
 * revision. If someone promoted another version since the gate ran, the gate is run again against that
 * new champion before trying again: a version is never promoted over a champion it was not compared with.
 */
import { z } from 'zod';
import { ConflictError, NotFoundError } from '../errors.ts';
import type { RegistryEvents } from '../ports.ts';
import type { PipelineDeps } from './deps.ts';
import type { Holdout } from './holdout.ts';
import { readHoldout } from './holdout.ts';
import type { runStateAfterRegisterSchema } from './messages.ts';
import type { GateDecision } from './promotion-gate.ts';
import { runPromotionGate } from './promotion-gate.ts';
import type { AliasRecord } from './records.ts';
import { runActor } from './register-model.ts';
import { enterStage } from './stage-progress.ts';

/** Promote's output, at `$.promotion` (finishRun reads `promoted`). */
export const promotionOutputSchema = z.object({
  promoted: z.boolean(),
  modelName: z.string(),
  version: z.int().min(1),
  /** The champion it replaced. */
  fromVersion: z.int().optional(),
  reason: z.string(),
});
export type PromotionOutput = z.infer<typeof promotionOutputSchema>;

export type StateAfterRegister = z.infer<typeof runStateAfterRegisterSchema>;

type PromoteDeps = Pick<PipelineDeps, 'artifacts' | 'experiments' | 'registry' | 'metrics' | 'clock'> & {
  /** Where the move is announced (AliasMoved on EventBridge); without it, only the audit trail has it. */
  readonly events?: RegistryEvents;
};

/** Attempts when other promotions keep winning the conditional move. */
const PROMOTE_ATTEMPTS = 5;

export async function promoteModel(
  deps: PromoteDeps,
  state: StateAfterRegister,
  signal?: AbortSignal,
): Promise<PromotionOutput> {
  const stage = await enterStage(deps, state.runId, 'promote');
  const { modelName, version } = state.registration;
  const candidate = await deps.registry.getVersion(modelName, version);
  if (!candidate) {
    throw new NotFoundError(`${modelName} v${version} is not in the registry`, { modelName, version });
  }
  let decision: GateDecision = { ...state.registration.gate, promote: state.registration.promote };
  let holdout: Holdout | undefined;
  let lastConflict: ConflictError | undefined;
  const finish = async (output: PromotionOutput): Promise<PromotionOutput> => {
    await stage.finish();
    return output;
  };

  for (let attempt = 0; attempt < PROMOTE_ATTEMPTS; attempt++) {
    let champion: AliasRecord | undefined = await deps.registry.getAlias(modelName, 'champion');
    // A retried Promote whose first attempt moved the alias.
    if (champion?.version === version) {
      return finish({ promoted: true, modelName, version, reason: `v${version} is the champion` });
    }
    if (champion?.version !== decision.championVersion) {
      holdout ??= await readHoldout(deps.artifacts, state.prep.holdout, state.prep.target, signal);
      const rerun = await runPromotionGate(deps, candidate, holdout, decision.margin, signal);
      decision = rerun;
      champion = rerun.championAlias;
      if (champion?.version === version) continue;
    }
    if (!decision.promote) {
      return finish({ promoted: false, modelName, version, reason: decision.reason });
    }
    let moved: AliasRecord;
    try {
      moved = await deps.registry.moveAlias({
        modelName,
        alias: 'champion',
        version,
        expectedRevision: champion?.revision,
        reason: `promoted by run ${state.runId}: ${decision.reason}`,
        actor: runActor(state.runId),
      });
    } catch (error) {
      if (!(error instanceof ConflictError)) throw error;
      lastConflict = error;
      continue;
    }
    deps.metrics.add('ModelsPromoted', 'Count', 1, { modelName });
    await deps.events?.publish([
      {
        type: 'AliasMoved',
        modelName,
        alias: 'champion',
        version,
        ...fromOf(champion),
        reason: decision.reason,
        actor: runActor(state.runId),
        at: moved.updatedAt,
      },
    ]);
    return finish({ promoted: true, modelName, version, ...fromOf(champion), reason: decision.reason });
  }
  throw new ConflictError(
    `${modelName}: could not promote v${version}: the champion alias kept changing (${PROMOTE_ATTEMPTS} attempts)`,
    { modelName, version },
    { cause: lastConflict },
  );
}

function fromOf(champion: AliasRecord | undefined): { fromVersion?: number } {
  return champion === undefined ? {} : { fromVersion: champion.version };
}
