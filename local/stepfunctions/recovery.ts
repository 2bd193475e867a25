/**
 * What to do with an execution a previous process left RUNNING: it was interrupted in the top-level
 * state it had entered, so it fails there with Synergy.LocalRuntimeStopped. If that state has a Catch
 * for it, the execution continues as AWS would after the Catch (the state's input with the error at the
 * catcher's ResultPath, then the catcher's Next); otherwise the execution fails.
 */

import type { ExecutionRecord } from './execution-store.ts';
import type { HistoryEventBody } from './history.ts';
import { isJsonObject, type JsonObject, type JsonValue } from './json.ts';
import type { RunnableMachine } from './runnable-machine.ts';

export const RUNTIME_STOPPED_ERROR = 'Synergy.LocalRuntimeStopped';

/** Hidden states the resumed run starts with: restore the state's input, then apply the Catch. */
const RESTORE_INPUT_STATE = 'Synergy.Recovery.RestoreInput';
const APPLY_CATCH_STATE = 'Synergy.Recovery.ApplyCatch';
export const RECOVERY_STATES: ReadonlySet<string> = new Set([RESTORE_INPUT_STATE, APPLY_CATCH_STATE]);

export type RecoveryPlan =
  | {
      readonly kind: 'resume';
      /** The machine starting with the hidden recovery states, run with the execution's original input. */
      readonly machine: RunnableMachine;
      /** The event that closes the interrupted state in the history, when AWS has one for its type. */
      readonly interruption?: HistoryEventBody;
    }
  | { readonly kind: 'fail'; readonly error: string; readonly cause: string };

export function planRecovery(record: ExecutionRecord, runnable: RunnableMachine): RecoveryPlan {
  const open = record.openState;
  if (!open) {
    return { kind: 'fail', error: RUNTIME_STOPPED_ERROR, cause: 'the local runtime stopped between states' };
  }
  const cause = `the local runtime stopped during state ${open.name}`;
  const states = runnable.definition.States as unknown as Record<string, JsonObject>;
  const state = states[open.name];
  const catcher = state ? findCatcher(state) : undefined;
  if (!catcher || typeof catcher.Next !== 'string')
    return { kind: 'fail', error: RUNTIME_STOPPED_ERROR, cause };
  const errorOutput = { Error: RUNTIME_STOPPED_ERROR, Cause: cause };
  const applyCatch: JsonObject = { Type: 'Pass', Result: errorOutput, Next: catcher.Next };
  if ('ResultPath' in catcher) applyCatch.ResultPath = catcher.ResultPath;
  const recoveryStates = {
    [RESTORE_INPUT_STATE]: restoreInputState(open.input, APPLY_CATCH_STATE),
    [APPLY_CATCH_STATE]: applyCatch,
  };
  const definition = {
    ...runnable.definition,
    StartAt: RESTORE_INPUT_STATE,
    States: { ...runnable.definition.States, ...recoveryStates },
  } as unknown as RunnableMachine['definition'];
  return {
    kind: 'resume',
    machine: { ...runnable, definition },
    interruption: interruptionEvent(open.type, open.name, runnable, cause),
  };
}

function findCatcher(state: JsonObject): JsonObject | undefined {
  if (!Array.isArray(state.Catch)) return undefined;
  return state.Catch.filter(isJsonObject).find(
    (catcher) =>
      Array.isArray(catcher.ErrorEquals) &&
      (catcher.ErrorEquals.includes('States.ALL') || catcher.ErrorEquals.includes(RUNTIME_STOPPED_ERROR)),
  );
}

/** A Pass whose output is the interrupted state's input (`Result` is skipped by the library when falsy). */
function restoreInputState(input: JsonValue, next: string): JsonObject {
  return input
    ? { Type: 'Pass', Result: input, Next: next }
    : { Type: 'Pass', Parameters: input, Next: next };
}

function interruptionEvent(
  type: string,
  name: string,
  runnable: RunnableMachine,
  cause: string,
): HistoryEventBody | undefined {
  const details = { error: RUNTIME_STOPPED_ERROR, cause };
  if (type === 'Map') return { type: 'MapStateFailed' };
  if (type === 'Parallel') return { type: 'ParallelStateFailed' };
  const route = runnable.routes.get(name);
  if (route?.kind === 'lambda' && route.invokeIntegration) {
    return {
      type: 'TaskFailed',
      taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', ...details },
    };
  }
  if (type === 'Task') return { type: 'LambdaFunctionFailed', lambdaFunctionFailedEventDetails: details };
  return type === 'Wait' ? { type: 'WaitStateAborted' } : undefined;
}
