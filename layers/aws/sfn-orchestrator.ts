/**
 * Orchestrator on Step Functions. The execution name is deterministic (hash of the upload), so a
 * duplicate S3 event starts nothing new. AWS answers a repeated StartExecution in two ways: while the
 * first execution of a standard workflow runs, with success and the same ARN; once it has finished (or
 * when the input differs), with ExecutionAlreadyExists. The first looks exactly like a fresh start, so it
 * is reported as `started: true`; the second is resolved by comparing inputs.
 */
import { isDeepStrictEqual } from 'node:util';
import {
  DescribeExecutionCommand,
  type DescribeExecutionCommandOutput,
  StartExecutionCommand,
  type StartExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { ConflictError } from '../core/errors.ts';
import type { Orchestrator } from '../core/ports.ts';
import { awsErrorName } from './aws-errors.ts';

/** The part of SFNClient this adapter uses (an SFNClient is one), so tests can pass a small `{ send }`. */
export interface SfnSender {
  send(command: StartExecutionCommand): Promise<StartExecutionCommandOutput>;
  send(command: DescribeExecutionCommand): Promise<DescribeExecutionCommandOutput>;
}

export class StepFunctionsOrchestrator implements Orchestrator {
  constructor(
    private readonly sfn: SfnSender,
    private readonly stateMachineArn: string,
  ) {}

  async startTraining(name: string, input: unknown): Promise<{ executionArn: string; started: boolean }> {
    try {
      const { executionArn } = await this.sfn.send(
        new StartExecutionCommand({
          stateMachineArn: this.stateMachineArn,
          name,
          input: JSON.stringify(input),
        }),
      );
      return { executionArn: executionArn ?? this.executionArn(name), started: true };
    } catch (error) {
      if (awsErrorName(error) !== 'ExecutionAlreadyExists') throw error;
      return { executionArn: await this.sameExecution(name, input, error), started: false };
    }
  }

  /** The existing execution's ARN when it was started with this input; ConflictError otherwise. */
  private async sameExecution(name: string, input: unknown, cause: unknown): Promise<string> {
    const executionArn = this.executionArn(name);
    const existing = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
    // Compared as values: the service may re-serialise the input it stored.
    if (existing.input !== undefined && isDeepStrictEqual(JSON.parse(existing.input), toJsonValue(input))) {
      return existing.executionArn ?? executionArn;
    }
    throw new ConflictError(
      `execution ${name} of ${this.stateMachineArn} already exists with another input`,
      { name, executionArn, stateMachineArn: this.stateMachineArn },
      { cause },
    );
  }

  /** arn:aws:states:<region>:<account>:stateMachine:<sm> → arn:aws:states:<region>:<account>:execution:<sm>:<name> */
  private executionArn(name: string): string {
    return `${this.stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`;
  }
}

/** What `input` looks like after a JSON round trip (undefined fields dropped, dates as strings…). */
function toJsonValue(input: unknown): unknown {
  return JSON.parse(JSON.stringify(input) ?? 'null');
}
