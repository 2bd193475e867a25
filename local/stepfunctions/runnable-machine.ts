/**
 * Turns a definition as `serverless print` gives it into what aws-local-stepfunctions can run, plus the
 * routing of its Task states. Every Task keeps its name (the library keys local handlers by state name)
 * and gets a placeholder Resource; each Distributed Map becomes a Task of the same name, Retry, Catch,
 * paths and transitions, whose handler (distributed-map.ts) does what the library ignores: ItemReader,
 * child executions, tolerated failures, ResultWriter.
 */
import type { StateMachineDefinition } from 'aws-local-stepfunctions';
import { isDistributedMap } from './asl-walk.ts';
import { LocalStepFunctionsError } from './errors.ts';
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from './json.ts';
import { classifyTaskResource } from './task-resource.ts';

/** AWS's Task default is 99999999 s; Node timers overflow (and fire at once) past 2^31-1 ms. */
export const MAX_TASK_TIMEOUT_SECONDS = 2_147_483;

export interface LambdaRoute {
  readonly kind: 'lambda';
  readonly stateName: string;
  /** The Resource as written (Fn::GetAtt, a function ARN or arn:aws:states:::lambda:invoke). */
  readonly resource: JsonValue;
  /** arn:aws:states:::lambda:invoke: the input is {FunctionName, Payload} and the output is wrapped. */
  readonly invokeIntegration: boolean;
  readonly timeoutSeconds?: number;
}

export interface DistributedMapSpec {
  readonly stateName: string;
  /** The Map Run label (Label, else the state name) used in the Map Run and child ARNs. */
  readonly label: string;
  readonly itemReader?: { readonly parameters: JsonValue; readonly maxItems?: number };
  readonly itemsPath?: string;
  readonly itemSelector?: JsonValue;
  /** 0: unbounded (capped locally). */
  readonly maxConcurrency: number;
  readonly toleratedFailureCount?: number;
  readonly toleratedFailurePercentage?: number;
  readonly resultWriter?: { readonly parameters: JsonValue };
  readonly processor: RunnableMachine;
}

export interface DistributedMapRoute {
  readonly kind: 'distributedMap';
  readonly stateName: string;
  readonly spec: DistributedMapSpec;
}

export type TaskRoute = LambdaRoute | DistributedMapRoute;

export interface RunnableMachine {
  readonly definition: StateMachineDefinition;
  /** Task handlers of this run scope by state name (inline Map and Parallel states included). */
  readonly routes: ReadonlyMap<string, TaskRoute>;
  /** States that are Distributed Maps in the original (they run as Tasks here but are Maps in history). */
  readonly distributedMapNames: ReadonlySet<string>;
}

export interface RunnableOptions {
  /** Multiplies Retry intervals and Wait seconds (tests); 1 keeps AWS's timing. */
  readonly waitTimeScale: number;
}

interface ScopeBuild {
  readonly options: RunnableOptions;
  readonly routes: Map<string, TaskRoute>;
  readonly distributedMapNames: Set<string>;
}

export function buildRunnableMachine(definition: JsonObject, options: RunnableOptions): RunnableMachine {
  const copy = cloneJson(definition);
  const scope: ScopeBuild = { options, routes: new Map(), distributedMapNames: new Set() };
  transformMachine(copy, scope);
  return {
    definition: copy as unknown as StateMachineDefinition,
    routes: scope.routes,
    distributedMapNames: scope.distributedMapNames,
  };
}

function transformMachine(machine: JsonObject, scope: ScopeBuild): void {
  const states = machine.States;
  if (!isJsonObject(states)) return;
  for (const [name, state] of Object.entries(states)) {
    if (isJsonObject(state)) states[name] = transformState(name, state, scope);
  }
}

function transformState(name: string, state: JsonObject, scope: ScopeBuild): JsonObject {
  scaleRetries(state, scope.options.waitTimeScale);
  if (state.Type === 'Wait' && typeof state.Seconds === 'number')
    state.Seconds *= scope.options.waitTimeScale;
  if (state.Type === 'Task') return transformTask(name, state, scope);
  if (isDistributedMap(state)) return replaceDistributedMap(name, state, scope);
  for (const key of ['ItemProcessor', 'Iterator'] as const) {
    const sub = state[key];
    if (isJsonObject(sub)) transformMachine(sub, scope);
  }
  if (Array.isArray(state.Branches)) {
    for (const branch of state.Branches) if (isJsonObject(branch)) transformMachine(branch, scope);
  }
  return state;
}

function transformTask(name: string, state: JsonObject, scope: ScopeBuild): JsonObject {
  const resource = classifyTaskResource(state.Resource);
  if (resource.kind === 'unsupported') {
    throw new LocalStepFunctionsError(`Task ${name}: ${resource.reason}`, { state: name });
  }
  const timeoutSeconds = typeof state.TimeoutSeconds === 'number' ? state.TimeoutSeconds : undefined;
  addRoute(scope, {
    kind: 'lambda',
    stateName: name,
    resource: state.Resource,
    invokeIntegration: resource.kind === 'lambdaInvoke',
    timeoutSeconds,
  });
  // aws-local-stepfunctions defaults a Task to 60 s; AWS to 99999999 s (the Lambda's own timeout rules).
  state.TimeoutSeconds = Math.min(timeoutSeconds ?? MAX_TASK_TIMEOUT_SECONDS, MAX_TASK_TIMEOUT_SECONDS);
  state.Resource = placeholderResource(name);
  return state;
}

function replaceDistributedMap(name: string, state: JsonObject, scope: ScopeBuild): JsonObject {
  const processor = { ...(state.ItemProcessor as JsonObject) };
  delete processor.ProcessorConfig;
  const reader = isJsonObject(state.ItemReader) ? state.ItemReader : undefined;
  const readerConfig = reader && isJsonObject(reader.ReaderConfig) ? reader.ReaderConfig : {};
  const writer = isJsonObject(state.ResultWriter) ? state.ResultWriter : undefined;
  const spec: DistributedMapSpec = {
    stateName: name,
    label: typeof state.Label === 'string' ? state.Label : name,
    itemReader: reader
      ? { parameters: reader.Parameters ?? {}, maxItems: numberOrUndefined(readerConfig.MaxItems) }
      : undefined,
    itemsPath: typeof state.ItemsPath === 'string' ? state.ItemsPath : undefined,
    itemSelector: state.ItemSelector ?? state.Parameters,
    maxConcurrency: numberOrUndefined(state.MaxConcurrency) ?? 0,
    toleratedFailureCount: numberOrUndefined(state.ToleratedFailureCount),
    toleratedFailurePercentage: numberOrUndefined(state.ToleratedFailurePercentage),
    resultWriter: writer ? { parameters: writer.Parameters ?? {} } : undefined,
    processor: buildRunnableMachine(processor, scope.options),
  };
  addRoute(scope, { kind: 'distributedMap', stateName: name, spec });
  scope.distributedMapNames.add(name);
  const task: JsonObject = {
    Type: 'Task',
    Resource: placeholderResource(name),
    TimeoutSeconds: MAX_TASK_TIMEOUT_SECONDS,
  };
  for (const field of [
    'Comment',
    'InputPath',
    'ResultSelector',
    'ResultPath',
    'OutputPath',
    'Retry',
    'Catch',
    'Next',
    'End',
  ]) {
    if (field in state) task[field] = state[field];
  }
  return task;
}

function addRoute(scope: ScopeBuild, route: TaskRoute): void {
  const existing = scope.routes.get(route.stateName);
  const clash =
    existing &&
    (existing.kind !== 'lambda' ||
      route.kind !== 'lambda' ||
      JSON.stringify(existing.resource) !== JSON.stringify(route.resource) ||
      existing.timeoutSeconds !== route.timeoutSeconds);
  if (clash) {
    throw new LocalStepFunctionsError(
      `two tasks named ${route.stateName} run in one execution with different resources; the local runner keys tasks by name`,
      { state: route.stateName },
    );
  }
  scope.routes.set(route.stateName, route);
}

function scaleRetries(state: JsonObject, scale: number): void {
  if (scale === 1 || !Array.isArray(state.Retry)) return;
  for (const retrier of state.Retry) {
    if (!isJsonObject(retrier)) continue;
    retrier.IntervalSeconds = (numberOrUndefined(retrier.IntervalSeconds) ?? 1) * scale;
    if (typeof retrier.MaxDelaySeconds === 'number') retrier.MaxDelaySeconds *= scale;
  }
}

function numberOrUndefined(value: JsonValue | undefined): number | undefined {
  return typeof value === 'number' ? value : undefined;
}

/** Never called: every Task has a local handler; a recognisable ARN if the library ever shows it. */
function placeholderResource(stateName: string): string {
  return `arn:aws:lambda:us-east-1:000000000000:function:synergy-local-${stateName.replace(/[^A-Za-z0-9_-]/g, '-')}`;
}
