/**
 * Retraining: a drift or accuracy alarm going to ALARM, a schedule tick, or a person starts a training
 * execution of a model on its latest dataset plus the feedback labelled since (prepare-run.ts).
 *
 * EventBridge delivers at least once, so the execution name is derived from what identifies the cause
 * (the alarm and its transition time, the rule and its tick, a person's key) and the input is built
 * only from the event: a redelivery starts the same name with the same input, which StartExecution
 * treats as the same execution. The run item is created PENDING first, conditionally, as for uploads.
 */
import { createHash } from 'node:crypto';
import { SynergyError } from '../errors.ts';
import type { PipelineDeps } from '../pipeline/deps.ts';
import type { TrainingRequest } from '../pipeline/messages.ts';
import { queueTraining } from '../pipeline/queue-training.ts';
import { ACCURACY_ALARM_SUFFIX, DRIFT_ALARM_SUFFIX } from './alarm-definitions.ts';
import { type AlarmStateChange, crossing, type ScheduledEvent } from './alarm-event.ts';
import { LIVE_ACCURACY_METRIC, MAX_PSI_METRIC } from './metric-names.ts';

export type RetrainDeps = Pick<PipelineDeps, 'experiments' | 'orchestrator' | 'registry' | 'clock'>;

export type RetrainKind = 'drift' | 'accuracy' | 'schedule' | 'manual';

export type RetrainOutcome =
  | {
      readonly modelName: string;
      readonly runId: string;
      readonly executionArn: string;
      /** false when this cause's execution had already been started (a redelivered event). */
      readonly started: boolean;
    }
  | { readonly skipped: string };

export interface RetrainRequest {
  readonly modelName: string;
  readonly kind: RetrainKind;
  /** Kept in the run's request and the new version's lineage. */
  readonly reason: string;
  /** What makes two requests the same retraining (an alarm transition, a schedule tick). */
  readonly idempotencyKey: string;
}

/** A schedule tick that failed for some models (the others were started). */
export class RetrainError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'RetrainError';
  }
}

/** Step Functions execution names are at most 80 characters: 40 + 1 + 8 + 1 + 16. */
const MODEL_PART_MAX = 40;
const HASH_HEX = 16;

/**
 * `<model part>-<kind>-<hash>`. The hash covers the model name as well as the key, so two models whose
 * names agree in their first 40 characters never share an execution on the same schedule tick.
 */
export function retrainExecutionName(modelName: string, kind: RetrainKind, idempotencyKey: string): string {
  const readable = modelName.replace(/[^A-Za-z0-9_-]/g, '-').slice(0, MODEL_PART_MAX);
  const hash = createHash('sha256').update(`${modelName}\n${idempotencyKey}`).digest('hex');
  return `${readable}-${kind}-${hash.slice(0, HASH_HEX)}`;
}

export async function retrainModel(deps: RetrainDeps, request: RetrainRequest): Promise<RetrainOutcome> {
  const { modelName, kind, reason } = request;
  const runId = retrainExecutionName(modelName, kind, request.idempotencyKey);
  const trigger = { kind } as const;
  const input: TrainingRequest = { modelName, trigger, reason };
  const { executionArn, started } = await queueTraining(deps, runId, trigger, input);
  return { modelName, runId, executionArn, started };
}

const KIND_OF_METRIC: Readonly<Record<string, { kind: 'drift' | 'accuracy'; comparison: string }>> = {
  [MAX_PSI_METRIC]: { kind: 'drift', comparison: '>' },
  [LIVE_ACCURACY_METRIC]: { kind: 'accuracy', comparison: '<' },
};

/**
 * One retraining for an alarm of ours going to ALARM. The reason comes from the alarm's metric (MaxPSI →
 * drift, LiveAccuracy → accuracy), the model from the metric's `model` dimension, or else from the alarm
 * name `<prefix><model>-drift|-accuracy`. Any other event is skipped, saying why.
 */
export async function retrainOnAlarm(
  deps: RetrainDeps,
  event: AlarmStateChange,
  alarmPrefix: string,
): Promise<RetrainOutcome[]> {
  const { alarmName, state } = event.detail;
  if (!alarmName.startsWith(alarmPrefix)) {
    return [{ skipped: `alarm ${alarmName} is not a Synergy alarm (prefix ${alarmPrefix})` }];
  }
  if (state.value !== 'ALARM') {
    return [{ skipped: `alarm ${alarmName} went to ${state.value}, not ALARM` }];
  }
  const cause = causeOf(event, alarmPrefix);
  if (cause === undefined) {
    return [{ skipped: `alarm ${alarmName} watches no Synergy metric of a model (MaxPSI, LiveAccuracy)` }];
  }
  const { value, threshold } = crossing(state);
  const measured =
    threshold === undefined
      ? `: ${state.reason}`
      : ` (${cause.metric}${value === undefined ? '' : ` ${value}`} ${cause.comparison} ${threshold})`;
  const alarmArn = event.resources[0] ?? alarmName;
  return [
    await retrainModel(deps, {
      modelName: cause.modelName,
      kind: cause.kind,
      reason: `${cause.kind}: alarm ${alarmName} went to ALARM at ${state.timestamp}${measured}`,
      idempotencyKey: `${alarmArn}\n${state.timestamp}`,
    }),
  ];
}

interface AlarmCause {
  readonly modelName: string;
  readonly kind: 'drift' | 'accuracy';
  readonly metric: string;
  readonly comparison: string;
}

function causeOf(event: AlarmStateChange, alarmPrefix: string): AlarmCause | undefined {
  const metrics = event.detail.configuration?.metrics ?? [];
  for (const entry of metrics) {
    const metric = entry.metricStat?.metric;
    const known = metric === undefined ? undefined : KIND_OF_METRIC[metric.name];
    if (metric === undefined || known === undefined) continue;
    const modelName =
      metric.dimensions?.model ?? modelFromName(event.detail.alarmName, alarmPrefix, known.kind);
    if (modelName === undefined) return undefined;
    return { modelName, kind: known.kind, metric: metric.name, comparison: known.comparison };
  }
  return undefined;
}

/** `<prefix><model>-drift` → model, when the suffix is the one of `kind`. */
function modelFromName(
  alarmName: string,
  alarmPrefix: string,
  kind: 'drift' | 'accuracy',
): string | undefined {
  const suffix = kind === 'drift' ? DRIFT_ALARM_SUFFIX : ACCURACY_ALARM_SUFFIX;
  if (!alarmName.endsWith(suffix)) return undefined;
  const model = alarmName.slice(alarmPrefix.length, alarmName.length - suffix.length);
  return model === '' ? undefined : model;
}

/**
 * A schedule tick retrains every model that has a champion, one execution per model and tick. A model
 * that fails to start does not stop the others; the failures are thrown together at the end.
 */
export async function retrainOnSchedule(deps: RetrainDeps, event: ScheduledEvent): Promise<RetrainOutcome[]> {
  const ruleArn = event.resources[0];
  const rule = ruleArn.slice(ruleArn.lastIndexOf('/') + 1);
  const models = (await deps.registry.listModels()).filter((model) => model.champion !== undefined);
  const outcomes: RetrainOutcome[] = [];
  const failures: Array<{ modelName: string; error: unknown }> = [];
  for (const { modelName } of models) {
    try {
      outcomes.push(
        await retrainModel(deps, {
          modelName,
          kind: 'schedule',
          reason: `schedule: rule ${rule} fired at ${event.time}`,
          idempotencyKey: `${ruleArn}\n${event.time}`,
        }),
      );
    } catch (error) {
      failures.push({ modelName, error });
    }
  }
  if (failures.length > 0) {
    const detail = failures
      .map(
        ({ modelName, error }) => `${modelName}: ${error instanceof Error ? error.message : String(error)}`,
      )
      .join('; ');
    throw new RetrainError(
      `scheduled retraining failed for ${failures.length} of ${models.length} model(s): ${detail}`,
      { failed: failures.map((f) => f.modelName), started: outcomes.length },
      { cause: failures[0].error },
    );
  }
  return outcomes;
}
