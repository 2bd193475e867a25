/**
 * The promotion gate: a new version replaces the champion only if it is better on the data as it is now.
 * Both are re-scored on this run's holdout, each through its own preprocessor and after its artifact's
 * sha256 is checked against its version record, so the comparison is fair even when the champion was
 * trained on other columns, levels or scaling.
 */
import { NotFoundError } from '../errors.ts';
import type { PipelineDeps } from './deps.ts';
import type { Holdout } from './holdout.ts';
import { scoreVersionOnHoldout } from './holdout.ts';
import type { AliasRecord, ModelVersionRecord } from './records.ts';

export interface GateDecision {
  readonly promote: boolean;
  readonly newAccuracy: number;
  readonly championVersion?: number;
  readonly championAccuracy?: number;
  readonly margin: number;
  /** For people: the audit trail and the run's registration output carry it. */
  readonly reason: string;
}

export interface GateInput {
  readonly newVersion: number;
  readonly newAccuracy: number;
  readonly champion?: { readonly version: number; readonly accuracy: number };
  readonly margin: number;
}

const pct = (x: number): string => `${(x * 100).toFixed(2)}%`;

/** Promote iff there is no champion or the new accuracy beats the champion's by more than the margin. */
export function decidePromotion(input: GateInput): GateDecision {
  const { newVersion, newAccuracy, champion, margin } = input;
  const candidate = `v${newVersion} (holdout accuracy ${pct(newAccuracy)})`;
  if (!champion) {
    return { promote: true, newAccuracy, margin, reason: `no champion yet: ${candidate} becomes the first` };
  }
  const base = {
    newAccuracy,
    championVersion: champion.version,
    championAccuracy: champion.accuracy,
    margin,
  };
  if (champion.version === newVersion) {
    return { ...base, promote: false, reason: `v${newVersion} is already the champion` };
  }
  const against = `champion v${champion.version} (${pct(champion.accuracy)})`;
  const marginText = margin === 0 ? '' : ` by more than the margin ${pct(margin)}`;
  const promote = newAccuracy > champion.accuracy + margin;
  return {
    ...base,
    promote,
    reason: promote
      ? `${candidate} beats ${against}${marginText}`
      : `${candidate} does not beat ${against}${marginText}`,
  };
}

export interface GateRun extends GateDecision {
  /** The champion alias the decision was made against (its revision conditions the promotion). */
  readonly championAlias?: AliasRecord;
}

type GateDeps = Pick<PipelineDeps, 'artifacts' | 'registry'>;

/** Re-scores the candidate and the current champion on the holdout and decides. */
export async function runPromotionGate(
  deps: GateDeps,
  candidate: ModelVersionRecord,
  holdout: Holdout,
  margin: number,
  signal?: AbortSignal,
): Promise<GateRun> {
  const championAlias = await deps.registry.getAlias(candidate.modelName, 'champion');
  const newAccuracy = (await scoreVersionOnHoldout(deps.artifacts, candidate, holdout, signal)).accuracy;
  if (!championAlias) return decidePromotion({ newVersion: candidate.version, newAccuracy, margin });
  if (championAlias.version === candidate.version) {
    const champion = { version: candidate.version, accuracy: newAccuracy };
    return {
      ...decidePromotion({ newVersion: candidate.version, newAccuracy, champion, margin }),
      championAlias,
    };
  }
  const championVersion = await deps.registry.getVersion(candidate.modelName, championAlias.version);
  if (!championVersion) {
    throw new NotFoundError(
      `${candidate.modelName}: the champion alias points at v${championAlias.version}, which does not exist`,
      { modelName: candidate.modelName, version: championAlias.version },
    );
  }
  const championAccuracy = (await scoreVersionOnHoldout(deps.artifacts, championVersion, holdout, signal))
    .accuracy;
  const champion = { version: championVersion.version, accuracy: championAccuracy };
  return {
    ...decidePromotion({ newVersion: candidate.version, newAccuracy, champion, margin }),
    championAlias,
  };
}
