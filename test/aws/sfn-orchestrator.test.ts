import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  ExecutionAlreadyExists,
  StartExecutionCommand,
  type StartExecutionCommandOutput,
  StateMachineDoesNotExist,
} from '@aws-sdk/client-sfn';
import { describe, expect, it } from 'vitest';
import { type SfnSender, StepFunctionsOrchestrator } from '../../layers/aws/sfn-orchestrator.ts';
import { ConflictError } from '../../layers/core/errors.ts';

const STATE_MACHINE = 'arn:aws:states:eu-west-1:123456789012:stateMachine:synergy-dev-training';
const executionArnOf = (name: string) =>
  `arn:aws:states:eu-west-1:123456789012:execution:synergy-dev-training:${name}`;

/**
 * Step Functions as far as StartExecution/DescribeExecution go. `repeatWhileRunning` is AWS's answer to a
 * same-name same-input start while the first execution runs (success, same ARN); otherwise a taken name
 * is ExecutionAlreadyExists, as after the execution closed.
 */
class FakeStepFunctions implements SfnSender {
  readonly executions = new Map<string, string>();
  readonly calls: Array<StartExecutionCommand | DescribeExecutionCommand> = [];
  constructor(private readonly repeatWhileRunning = false) {}

  send(command: StartExecutionCommand): Promise<StartExecutionCommandOutput>;
  send(command: DescribeExecutionCommand): Promise<DescribeExecutionCommandOutput>;
  async send(
    command: StartExecutionCommand | DescribeExecutionCommand,
  ): Promise<StartExecutionCommandOutput | DescribeExecutionCommandOutput> {
    this.calls.push(command);
    const $metadata = {};
    if (command instanceof DescribeExecutionCommand) {
      const { executionArn } = command.input;
      const input = [...this.executions].find(([name]) => executionArnOf(name) === executionArn)?.[1];
      if (input === undefined) throw new Error(`fake: no execution ${executionArn}`);
      return {
        $metadata,
        executionArn,
        stateMachineArn: STATE_MACHINE,
        status: 'SUCCEEDED',
        startDate: new Date(0),
        input,
      };
    }
    const { stateMachineArn, name, input } = command.input;
    if (stateMachineArn !== STATE_MACHINE) {
      throw new StateMachineDoesNotExist({ message: `no ${stateMachineArn}`, $metadata });
    }
    if (name === undefined || input === undefined) throw new Error('fake: name and input are required');
    const existing = this.executions.get(name);
    if (existing !== undefined && !(this.repeatWhileRunning && existing === input)) {
      throw new ExecutionAlreadyExists({
        message: `Execution Already Exists: '${executionArnOf(name)}'`,
        $metadata,
      });
    }
    this.executions.set(name, input);
    return { $metadata, executionArn: executionArnOf(name), startDate: new Date(0) };
  }
}

const request = {
  modelName: 'iris',
  trigger: { kind: 'upload', bucket: 'data', key: 'incoming/iris/a.csv', etag: 'e' },
};

describe('StepFunctionsOrchestrator', () => {
  it('starts an execution named as asked, with the JSON input', async () => {
    const sfn = new FakeStepFunctions();
    const orchestrator = new StepFunctionsOrchestrator(sfn, STATE_MACHINE);

    expect(await orchestrator.startTraining('run-1', request)).toEqual({
      executionArn: executionArnOf('run-1'),
      started: true,
    });
    expect(JSON.parse(sfn.executions.get('run-1') ?? 'null')).toEqual(request);
  });

  it('treats a finished execution with the same name and input as already started', async () => {
    const sfn = new FakeStepFunctions();
    const orchestrator = new StepFunctionsOrchestrator(sfn, STATE_MACHINE);
    await orchestrator.startTraining('run-2', request);

    // Same value, other key order: what matters is the input, not its serialisation.
    const reordered = { trigger: { ...request.trigger }, modelName: 'iris' };
    expect(await orchestrator.startTraining('run-2', reordered)).toEqual({
      executionArn: executionArnOf('run-2'),
      started: false,
    });
    const describe = sfn.calls.at(-1);
    expect(describe).toBeInstanceOf(DescribeExecutionCommand);
    expect((describe as DescribeExecutionCommand).input.executionArn).toBe(executionArnOf('run-2'));
  });

  it('returns the same ARN when AWS answers a running duplicate with success', async () => {
    const sfn = new FakeStepFunctions(true);
    const orchestrator = new StepFunctionsOrchestrator(sfn, STATE_MACHINE);
    const first = await orchestrator.startTraining('run-3', request);
    const second = await orchestrator.startTraining('run-3', request);
    expect(second.executionArn).toBe(first.executionArn);
    expect(sfn.calls.every((c) => c instanceof StartExecutionCommand)).toBe(true);
  });

  it('refuses a taken name with another input as a ConflictError keeping the service error', async () => {
    const sfn = new FakeStepFunctions();
    const orchestrator = new StepFunctionsOrchestrator(sfn, STATE_MACHINE);
    await orchestrator.startTraining('run-4', request);

    const error = await orchestrator
      .startTraining('run-4', { ...request, reason: 'drift' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    expect((error as ConflictError).message).toContain('run-4');
    expect((error as ConflictError).cause).toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('lets other service errors through unchanged', async () => {
    const orchestrator = new StepFunctionsOrchestrator(new FakeStepFunctions(), `${STATE_MACHINE}-missing`);
    await expect(orchestrator.startTraining('run-5', request)).rejects.toBeInstanceOf(
      StateMachineDoesNotExist,
    );
  });
});
