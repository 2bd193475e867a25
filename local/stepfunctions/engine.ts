/**
 * The local Step Functions: runs the state machines `serverless print` defines with
 * aws-local-stepfunctions, Task states invoking the local Lambda runtime and Distributed Maps run by
 * distributed-map.ts. Executions are persisted (execution-store.ts) so a restarted process lists them and
 * recovers the ones it left RUNNING (recovery.ts). The API stand-in (api-server.ts) serves this engine
 * to the real @aws-sdk/client-sfn.
 */
import './promise-with-resolvers.ts';
import { randomUUID } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type {
  DescribeExecutionOutput,
  DescribeStateMachineOutput,
  ExecutionListItem,
  HistoryEvent,
  StateMachineListItem,
} from '@aws-sdk/client-sfn';
import type { LambdaInvoker } from '../lambda/types.ts';
import { assertValidExecutionName, executionArn as buildExecutionArn, parseStateMachineArn } from './arns.ts';
import { lintStateMachine, validateWithAslValidator } from './asl-lint.ts';
import { StepFunctionsApiError, UnsupportedDefinitionError } from './errors.ts';
import { type ExecutionRecord, type ExecutionStatus, ExecutionStore } from './execution-store.ts';
import {
  closingEvent,
  describeExecution,
  type ExecutionResult,
  executionListItem,
} from './execution-views.ts';
import { HistoryLog, NOT_TRUNCATED, toHistoryEvent, toJsonText } from './history.ts';
import { type JsonObject, type JsonValue, parseJson } from './json.ts';
import { describeRunFailure } from './library.ts';
import { type RunEnvironment, runMachine } from './machine-runner.ts';
import { MAX_PAYLOAD_BYTES } from './payload-limit.ts';
import { planRecovery, RECOVERY_STATES, RUNTIME_STOPPED_ERROR } from './recovery.ts';
import type { RunIdentity } from './run-context.ts';
import { buildRunnableMachine, type RunnableMachine } from './runnable-machine.ts';

export interface StateMachineSpec {
  name: string;
  arn: string;
  /** Exactly as `serverless print` gives it (Task Resources may be `{"Fn::GetAtt": [key, "Arn"]}`). */
  definition: Record<string, unknown>;
}

export interface EngineOptions {
  stateMachines: StateMachineSpec[];
  invoker: LambdaInvoker;
  /** Task Resource → function key: handles {"Fn::GetAtt":[key,"Arn"]}, lambda ARNs, arn:aws:states:::lambda:invoke */
  resolveFunction: (resource: unknown, parameters?: unknown) => string;
  /** For ItemReader / ResultWriter. */
  s3: S3Client;
  /** Executions are persisted here (JSON files). */
  stateDir: string;
  region: string;
  accountId: string;
  /** Multiplies Retry intervals and Wait seconds; default 1 (AWS's timing). Tests pass e.g. 0.01. */
  waitTimeScale?: number;
  /** Most child executions a Distributed Map runs at once (MaxConcurrency 0 = this many). Default 40. */
  distributedMapConcurrency?: number;
}

export type ExecutionDescription = DescribeExecutionOutput;

interface RegisteredMachine {
  readonly spec: StateMachineSpec;
  readonly runnable: RunnableMachine;
  readonly creationDate: Date;
}

interface ActiveExecution {
  readonly record: ExecutionRecord;
  readonly controller: AbortController;
  /** Set by close(): the execution stops here and stays RUNNING on disk for the next process to recover. */
  detached: boolean;
  stopRequest?: { error?: string; cause?: string };
  done: Promise<void>;
}

export class ExecutionEngine {
  private readonly machines = new Map<string, RegisteredMachine>();
  private readonly executions = new Map<string, ExecutionRecord>();
  private readonly active = new Map<string, ActiveExecution>();
  private readonly store: ExecutionStore;
  private readonly env: RunEnvironment;
  private readonly accountId: string;
  private closed = false;

  constructor(options: EngineOptions) {
    this.accountId = options.accountId;
    this.env = {
      invoker: options.invoker,
      resolveFunction: options.resolveFunction,
      region: options.region,
      accountId: options.accountId,
      s3: options.s3,
      distributedMapConcurrency: options.distributedMapConcurrency ?? 40,
    };
    const creationDate = new Date();
    for (const spec of options.stateMachines) {
      parseStateMachineArn(spec.arn);
      const problems = [...lintStateMachine(spec.definition), ...validateWithAslValidator(spec.definition)];
      if (problems.length > 0) throw new UnsupportedDefinitionError(spec.name, problems);
      const runnable = buildRunnableMachine(spec.definition as JsonObject, {
        waitTimeScale: options.waitTimeScale ?? 1,
      });
      resolveEveryFunction(runnable, options.resolveFunction);
      this.machines.set(spec.arn, { spec, runnable, creationDate });
    }
    this.store = new ExecutionStore(options.stateDir);
    for (const record of this.store.loadAll()) this.executions.set(record.executionArn, record);
  }

  /** Marks executions left RUNNING by a previous process as interrupted and drives each through its
   *  Catch path (error "Synergy.LocalRuntimeStopped"), so the run ends FAILED, never stuck. Returns once
   *  they are under way; idle() waits for them. */
  async recover(): Promise<void> {
    for (const record of this.executions.values()) {
      if (record.status !== 'RUNNING' || this.active.has(record.executionArn)) continue;
      const machine = this.machines.get(record.stateMachineArn);
      if (!machine) {
        this.finish(record, 'FAILED', {
          error: RUNTIME_STOPPED_ERROR,
          cause: 'its state machine is no longer defined',
        });
        continue;
      }
      const plan = planRecovery(record, machine.runnable);
      if (plan.kind === 'fail') {
        this.finish(record, 'FAILED', { error: plan.error, cause: plan.cause });
        continue;
      }
      const history = new HistoryLog(record.events, () => this.store.save(record));
      if (plan.interruption) history.record(plan.interruption);
      record.openState = undefined;
      this.launch(record, machine, plan.machine);
    }
    await this.store.flush();
  }

  async start(
    stateMachineArn: string,
    name: string | undefined,
    input: string,
  ): Promise<{ executionArn: string; startDate: Date; alreadyExisted: boolean }> {
    if (this.closed)
      throw new StepFunctionsApiError('ServiceUnavailable', 'the local Step Functions engine is closed');
    const machine = this.machineOf(stateMachineArn);
    const executionName = name ?? randomUUID();
    assertValidExecutionName(executionName);
    assertValidInput(input);
    const executionArn = buildExecutionArn(stateMachineArn, executionName);
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS: idempotent only while the execution runs and only for the same input.
      if (existing.status === 'RUNNING' && existing.input === input) {
        return { executionArn, startDate: new Date(existing.startDate), alreadyExisted: true };
      }
      throw new StepFunctionsApiError(
        'ExecutionAlreadyExists',
        `Execution Already Exists: '${executionArn}'`,
        { executionArn },
      );
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn,
      name: executionName,
      status: 'RUNNING',
      startDate: Date.now(),
      input,
      events: [],
    };
    this.executions.set(executionArn, record);
    new HistoryLog(record.events, () => {}).record({
      type: 'ExecutionStarted',
      executionStartedEventDetails: {
        input,
        inputDetails: NOT_TRUNCATED,
        roleArn: this.identityOf(record, machine).roleArn,
      },
    });
    this.store.save(record);
    this.launch(record, machine, machine.runnable);
    return { executionArn, startDate: new Date(record.startDate), alreadyExisted: false };
  }

  describe(executionArn: string): ExecutionDescription {
    return describeExecution(this.recordOf(executionArn));
  }

  /** Newest first, as AWS lists them. */
  list(stateMachineArn: string, statusFilter?: string): ExecutionListItem[] {
    this.machineOf(stateMachineArn);
    return [...this.executions.values()]
      .filter(
        (record) =>
          record.stateMachineArn === stateMachineArn && (!statusFilter || record.status === statusFilter),
      )
      .sort((a, b) => b.startDate - a.startDate || b.name.localeCompare(a.name))
      .map(executionListItem);
  }

  history(executionArn: string): HistoryEvent[] {
    return this.recordOf(executionArn).events.map(toHistoryEvent);
  }

  /** StopExecution: aborts a running execution (status ABORTED); a finished one is left as it is. */
  async stop(executionArn: string, error?: string, cause?: string): Promise<{ stopDate: Date }> {
    const record = this.recordOf(executionArn);
    const active = this.active.get(executionArn);
    if (active && !active.detached) {
      active.stopRequest = { error, cause };
      active.controller.abort();
      await active.done;
    }
    return { stopDate: new Date(record.stopDate ?? Date.now()) };
  }

  describeStateMachine(stateMachineArn: string): DescribeStateMachineOutput {
    const { spec, creationDate } = this.machineOf(stateMachineArn);
    return {
      stateMachineArn: spec.arn,
      name: spec.name,
      status: 'ACTIVE',
      definition: JSON.stringify(spec.definition),
      roleArn: this.roleArn(spec.name),
      type: 'STANDARD',
      creationDate,
    };
  }

  listStateMachines(): StateMachineListItem[] {
    return [...this.machines.values()].map(({ spec, creationDate }) => ({
      stateMachineArn: spec.arn,
      name: spec.name,
      type: 'STANDARD',
      creationDate,
    }));
  }

  /** Resolves when no execution is running and every record is on disk. */
  async idle(): Promise<void> {
    while (this.active.size > 0) await Promise.all([...this.active.values()].map((active) => active.done));
    await this.store.flush();
  }

  /** Stops accepting work. Running executions stop here and stay RUNNING on disk: recover() in the next
   *  process drives them through their Catch. Waits only for pending file writes. */
  async close(): Promise<void> {
    this.closed = true;
    for (const active of this.active.values()) {
      active.detached = true;
      active.controller.abort();
    }
    await this.store.flush();
  }

  private launch(record: ExecutionRecord, machine: RegisteredMachine, runnable: RunnableMachine): void {
    const active: ActiveExecution = {
      record,
      controller: new AbortController(),
      detached: false,
      done: Promise.resolve(),
    };
    this.active.set(record.executionArn, active);
    active.done = this.drive(active, machine, runnable).finally(() =>
      this.active.delete(record.executionArn),
    );
  }

  private async drive(
    active: ActiveExecution,
    machine: RegisteredMachine,
    runnable: RunnableMachine,
  ): Promise<void> {
    const { record } = active;
    const persist = () => {
      if (!active.detached) this.store.save(record);
    };
    const history = new HistoryLog(record.events, persist);
    const topLevel = {
      entered: (name: string, type: string, input: JsonValue) => {
        record.openState = { name, type, input };
        persist();
      },
      left: (name: string) => {
        if (record.openState?.name !== name) return;
        record.openState = undefined;
        persist();
      },
    };
    const options = { signal: active.controller.signal, history, hiddenStates: RECOVERY_STATES, topLevel };
    try {
      const output = await runMachine(
        runnable,
        parseJson(record.input),
        this.identityOf(record, machine),
        options,
        this.env,
      );
      if (active.detached) return;
      this.finish(record, 'SUCCEEDED', { output: toJsonText(output) });
    } catch (error) {
      if (active.detached) return;
      const failure = describeRunFailure(error);
      if (failure.kind === 'aborted') this.finish(record, 'ABORTED', active.stopRequest ?? {});
      else this.finish(record, failure.kind === 'timedOut' ? 'TIMED_OUT' : 'FAILED', failure);
    }
  }

  private finish(
    record: ExecutionRecord,
    status: Exclude<ExecutionStatus, 'RUNNING'>,
    result: ExecutionResult,
  ): void {
    record.status = status;
    record.stopDate = Date.now();
    record.openState = undefined;
    record.output = result.output;
    record.error = result.error;
    record.cause = result.cause;
    new HistoryLog(record.events, () => {}).record(closingEvent(status, result));
    this.store.save(record);
  }

  private identityOf(record: ExecutionRecord, machine: RegisteredMachine): RunIdentity {
    return {
      executionArn: record.executionArn,
      executionName: record.name,
      stateMachineArn: machine.spec.arn,
      stateMachineName: machine.spec.name,
      roleArn: this.roleArn(machine.spec.name),
    };
  }

  private roleArn(machineName: string): string {
    return `arn:aws:iam::${this.accountId}:role/${machineName}-local-role`;
  }

  private machineOf(stateMachineArn: string): RegisteredMachine {
    parseStateMachineArn(stateMachineArn);
    const machine = this.machines.get(stateMachineArn);
    if (!machine) {
      throw new StepFunctionsApiError(
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${stateMachineArn}'`,
        {
          stateMachineArn,
        },
      );
    }
    return machine;
  }

  private recordOf(executionArn: string): ExecutionRecord {
    const record = this.executions.get(executionArn);
    if (!record) {
      throw new StepFunctionsApiError(
        'ExecutionDoesNotExist',
        `Execution Does Not Exist: '${executionArn}'`,
        { executionArn },
      );
    }
    return record;
  }
}

function assertValidInput(input: string): void {
  if (Buffer.byteLength(input) > MAX_PAYLOAD_BYTES) {
    throw new StepFunctionsApiError(
      'InvalidExecutionInput',
      `Execution input exceeds ${MAX_PAYLOAD_BYTES} bytes`,
    );
  }
  try {
    parseJson(input);
  } catch (error) {
    throw new StepFunctionsApiError(
      'InvalidExecutionInput',
      `Invalid State Machine Execution Input: '${(error as Error).message}'`,
      {},
      { cause: error },
    );
  }
}

/** Resolves every directly referenced function now, so an unknown function fails at startup, not mid-run. */
function resolveEveryFunction(machine: RunnableMachine, resolve: (resource: unknown) => string): void {
  for (const route of machine.routes.values()) {
    if (route.kind === 'distributedMap') resolveEveryFunction(route.spec.processor, resolve);
    else if (!route.invokeIntegration) resolve(route.resource);
  }
}
