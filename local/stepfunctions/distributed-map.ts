/**
 * The local handler of a Distributed Map (which runs as a Task of the same name, see
 * runnable-machine.ts): reads the items (ItemReader or ItemsPath), builds each child's input
 * (ItemSelector with $$.Map.Item), runs every item as a child execution of the ItemProcessor through
 * aws-local-stepfunctions (so its Retry/Catch work) under MaxConcurrency, fails the Map Run with
 * States.ExceedToleratedFailureThreshold once failures pass the tolerated count/percentage (aborting the
 * running children), and writes ResultWriter's files or returns the outputs array.
 */
import { randomUUID } from 'node:crypto';
import { setMaxListeners } from 'node:events';
import type { S3Client } from '@aws-sdk/client-s3';
import { mapRunArn as buildMapRunArn, mapChildExecutionArn, mapChildMachineArn } from './arns.ts';
import { StateError } from './errors.ts';
import type { HistorySink } from './history.ts';
import { readJsonItems } from './item-reader.ts';
import type { JsonObject, JsonValue } from './json.ts';
import { describeRunFailure, type LibraryJson, type TaskHandler } from './library.ts';
import { assertWithinPayloadLimit } from './payload-limit.ts';
import { evaluatePath, evaluateTemplate } from './payload-template.ts';
import { type ChildOutcome, resultWriterTarget, writeMapRunResults } from './result-writer.ts';
import { afterDispatchedEvents, contextObject, type RunIdentity } from './run-context.ts';
import type { DistributedMapSpec, RunnableMachine } from './runnable-machine.ts';

/** Runs one child execution; rejects with the library's execution error. */
export type ChildRunner = (
  machine: RunnableMachine,
  input: JsonValue,
  identity: RunIdentity,
  signal: AbortSignal,
) => Promise<JsonValue>;

export interface DistributedMapEnvironment {
  readonly s3: S3Client;
  /** Local cap on concurrent children (MaxConcurrency 0 means up to 10,000 on AWS). */
  readonly concurrencyCap: number;
  readonly runChild: ChildRunner;
}

export interface MapScope {
  readonly identity: RunIdentity;
  readonly signal: AbortSignal;
  readonly history: HistorySink;
}

export function distributedMapHandler(
  spec: DistributedMapSpec,
  scope: MapScope,
  env: DistributedMapEnvironment,
): TaskHandler {
  return async (input) => {
    await afterDispatchedEvents();
    const output = await runMapRun(spec, input as JsonValue, scope, env);
    return output as LibraryJson;
  };
}

async function runMapRun(
  spec: DistributedMapSpec,
  input: JsonValue,
  scope: MapScope,
  env: DistributedMapEnvironment,
): Promise<JsonValue> {
  const parentContext = contextObject(scope.identity);
  const items = await readItems(spec, input, parentContext, env.s3);
  const mapRunId = randomUUID();
  const mapRunArn = buildMapRunArn(scope.identity.stateMachineArn, spec.label, mapRunId);
  scope.history.record({ type: 'MapRunStarted', mapRunStartedEventDetails: { mapRunArn } });
  const run = new MapRun(spec, items, input, scope, env);
  let output: JsonValue;
  try {
    // The results are written whether the Map Run succeeded or failed, as on AWS.
    const failure = await run.execute();
    const result = spec.resultWriter
      ? {
          MapRunArn: mapRunArn,
          ResultWriterDetails: await writeMapRunResults(
            env.s3,
            resultWriterTarget(await evaluateTemplate(spec.resultWriter.parameters, input, parentContext)),
            {
              mapRunArn,
              mapRunId,
              childMachineArn: mapChildMachineArn(scope.identity.stateMachineArn, spec.label),
            },
            run.outcomes(),
          ),
        }
      : run.outcomes().map(outputOf);
    if (failure) throw failure;
    scope.history.record({ type: 'MapRunSucceeded' });
    output = result;
  } catch (error) {
    if (scope.signal.aborted) {
      scope.history.record({ type: 'MapRunAborted' });
    } else {
      const failed = error instanceof Error ? error : new StateError('States.Runtime', String(error));
      scope.history.record({
        type: 'MapRunFailed',
        mapRunFailedEventDetails: { error: failed.name, cause: failed.message },
      });
    }
    throw error;
  }
  return assertWithinPayloadLimit(spec.stateName, output);
}

/** Without a ResultWriter the state's output lists each child's output; a tolerated failure its error. */
function outputOf(outcome: ChildOutcome): JsonValue {
  if (outcome.status === 'SUCCEEDED') return outcome.output ?? null;
  return { Error: outcome.error ?? null, Cause: outcome.cause ?? null };
}

async function readItems(
  spec: DistributedMapSpec,
  input: JsonValue,
  context: JsonObject,
  s3: S3Client,
): Promise<JsonValue[]> {
  if (spec.itemReader) {
    const parameters = await evaluateTemplate(spec.itemReader.parameters, input, context);
    return readJsonItems(s3, parameters, spec.itemReader.maxItems);
  }
  const items = spec.itemsPath ? await evaluatePath(spec.itemsPath, input, context) : input;
  if (!Array.isArray(items)) {
    throw new StateError('States.Runtime', 'The Map state input (or ItemsPath) is not an array', {
      retryable: false,
      catchable: false,
    });
  }
  return items;
}

/** One Map Run: the children of one Distributed Map state execution. */
class MapRun {
  private readonly results: ChildOutcome[] = [];
  private readonly controller = new AbortController();
  private failed = 0;
  private stopReason: StateError | undefined;

  constructor(
    private readonly spec: DistributedMapSpec,
    private readonly items: readonly JsonValue[],
    private readonly mapInput: JsonValue,
    private readonly scope: MapScope,
    private readonly env: DistributedMapEnvironment,
  ) {}

  /** Runs the children; resolves with the Map Run's failure (tolerance exceeded, ItemSelector error), if any. */
  async execute(): Promise<StateError | undefined> {
    // Every concurrent child listens on this signal (up to MaxConcurrency of them), by design.
    setMaxListeners(0, this.controller.signal);
    const onParentAbort = () => this.controller.abort(this.scope.signal.reason);
    this.scope.signal.addEventListener('abort', onParentAbort, { once: true });
    try {
      const width = Math.max(
        1,
        Math.min(this.spec.maxConcurrency || this.env.concurrencyCap, this.env.concurrencyCap),
      );
      let next = 0;
      const worker = async () => {
        while (!this.controller.signal.aborted && next < this.items.length) await this.runItem(next++);
      };
      await Promise.all(Array.from({ length: Math.min(width, this.items.length) }, worker));
    } finally {
      this.scope.signal.removeEventListener('abort', onParentAbort);
    }
    if (this.scope.signal.aborted) {
      throw new StateError('States.Aborted', 'the execution was stopped', {
        retryable: false,
        catchable: false,
      });
    }
    return this.stopReason;
  }

  /** Every item's outcome in item order; items never started are PENDING. */
  outcomes(): ChildOutcome[] {
    const byIndex = new Map(this.results.map((outcome) => [outcome.index, outcome]));
    return this.items.map(
      (item, index) =>
        byIndex.get(index) ?? { index, input: JSON.stringify(item), status: 'PENDING' as const },
    );
  }

  private async runItem(index: number): Promise<void> {
    const item = this.items[index];
    const context = { ...contextObject(this.scope.identity), Map: { Item: { Index: index, Value: item } } };
    let childInput: JsonValue;
    try {
      childInput =
        this.spec.itemSelector === undefined
          ? item
          : await evaluateTemplate(this.spec.itemSelector, this.mapInput, context);
    } catch (error) {
      this.stop(
        error instanceof StateError
          ? error
          : new StateError('States.Runtime', String(error), { retryable: false, catchable: false }),
      );
      return;
    }
    const name = randomUUID();
    const executionArn = mapChildExecutionArn(this.scope.identity.stateMachineArn, this.spec.label, name);
    const identity: RunIdentity = {
      executionArn,
      executionName: name,
      stateMachineArn: mapChildMachineArn(this.scope.identity.stateMachineArn, this.spec.label),
      stateMachineName: `${this.scope.identity.stateMachineName}/${this.spec.label}`,
      roleArn: this.scope.identity.roleArn,
    };
    const base = { index, name, executionArn, input: JSON.stringify(childInput), startDate: Date.now() };
    try {
      const output = await this.env.runChild(
        this.spec.processor,
        childInput,
        identity,
        this.controller.signal,
      );
      this.results.push({ ...base, status: 'SUCCEEDED', output, stopDate: Date.now() });
    } catch (error) {
      const failure = describeRunFailure(error);
      if (failure.kind === 'aborted') {
        this.results.push({
          ...base,
          status: 'ABORTED',
          stopDate: Date.now(),
          error: 'States.Aborted',
          cause: 'the Map Run stopped',
        });
        return;
      }
      this.results.push({
        ...base,
        status: 'FAILED',
        stopDate: Date.now(),
        error: failure.error,
        cause: failure.cause,
      });
      this.failed += 1;
      if (this.exceedsTolerance()) {
        this.stop(
          new StateError(
            'States.ExceedToleratedFailureThreshold',
            `The specified tolerated failure threshold was exceeded (${this.toleranceText()}): item ${index} (execution ${executionArn}) failed with ${failure.error}: ${failure.cause}`,
          ),
        );
      }
    }
  }

  /** AWS: the run fails once failures exceed the count or the percentage of all items (default 0). */
  private exceedsTolerance(): boolean {
    const { toleratedFailureCount: count, toleratedFailurePercentage: percentage } = this.spec;
    if (count === undefined && percentage === undefined) return this.failed > 0;
    if (count !== undefined && this.failed > count) return true;
    return percentage !== undefined && (this.failed / this.items.length) * 100 > percentage;
  }

  private toleranceText(): string {
    const { toleratedFailureCount: count, toleratedFailurePercentage: percentage } = this.spec;
    return `${this.failed} of ${this.items.length} items failed; tolerated count ${count ?? 0}, percentage ${percentage ?? 0}%`;
  }

  private stop(reason: StateError): void {
    this.stopReason ??= reason;
    this.controller.abort(reason);
  }
}
