/** An execution record as the Step Functions API shows it: DescribeExecution, ListExecutions, the closing event. */
import type { DescribeExecutionOutput, ExecutionListItem } from '@aws-sdk/client-sfn';
import type { ExecutionRecord, ExecutionStatus } from './execution-store.ts';
import { type HistoryEventBody, NOT_TRUNCATED } from './history.ts';

export interface ExecutionResult {
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
}

const optionalDate = (epochMillis: number | undefined) =>
  epochMillis === undefined ? undefined : new Date(epochMillis);

export function describeExecution(record: ExecutionRecord): DescribeExecutionOutput {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: new Date(record.startDate),
    stopDate: optionalDate(record.stopDate),
    input: record.input,
    inputDetails: { included: true },
    output: record.output,
    outputDetails: record.output === undefined ? undefined : { included: true },
    error: record.error,
    cause: record.cause,
    redriveCount: 0,
    redriveStatus: 'NOT_REDRIVABLE',
    redriveStatusReason:
      record.status === 'RUNNING'
        ? 'Execution is RUNNING and cannot be redriven'
        : 'Redrive is not supported by the local runtime',
  };
}

export function executionListItem(record: ExecutionRecord): ExecutionListItem {
  return {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: new Date(record.startDate),
    stopDate: optionalDate(record.stopDate),
    redriveCount: 0,
  };
}

/** The history event that closes an execution with this status. */
export function closingEvent(
  status: Exclude<ExecutionStatus, 'RUNNING'>,
  result: ExecutionResult,
): HistoryEventBody {
  const failure = { error: result.error, cause: result.cause };
  switch (status) {
    case 'SUCCEEDED':
      return {
        type: 'ExecutionSucceeded',
        executionSucceededEventDetails: { output: result.output, outputDetails: NOT_TRUNCATED },
      };
    case 'FAILED':
      return { type: 'ExecutionFailed', executionFailedEventDetails: failure };
    case 'TIMED_OUT':
      return { type: 'ExecutionTimedOut', executionTimedOutEventDetails: failure };
    case 'ABORTED':
      return { type: 'ExecutionAborted', executionAbortedEventDetails: failure };
  }
}
