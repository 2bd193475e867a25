/** Who an execution is, and the context object (`$$`) its states see. */
import type { JsonObject } from './json.ts';

export interface RunIdentity {
  readonly executionArn: string;
  readonly executionName: string;
  readonly stateMachineArn: string;
  readonly stateMachineName: string;
  readonly roleArn: string;
}

/** `$$.Execution.Input` and `StartTime` are set by aws-local-stepfunctions itself when the run starts. */
export function contextObject(identity: RunIdentity): JsonObject {
  return {
    Execution: { Id: identity.executionArn, Name: identity.executionName, RoleArn: identity.roleArn },
    StateMachine: { Id: identity.stateMachineArn, Name: identity.stateMachineName },
  };
}

/** Resolves after the events the library has already dispatched are translated (they drain in microtasks). */
export function afterDispatchedEvents(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
