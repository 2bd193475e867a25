/**
 * The Step Functions API operations the stand-in serves, over the engine: each parses its request body
 * (AWS's member names), calls the engine and returns AWS's response members. Dates stay Date objects
 * here; the server writes them as epoch seconds.
 */
import type { HistoryEvent } from '@aws-sdk/client-sfn';
import { z } from 'zod';
import { isExecutionArn } from './arns.ts';
import type { ExecutionEngine } from './engine.ts';
import { StepFunctionsApiError } from './errors.ts';

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;

const executionArn = z.string().min(1).max(2048);
const stateMachineArn = z.string().min(1).max(2048);
const pageSize = z.int().min(0).max(MAX_PAGE_SIZE).optional();
const nextToken = z.string().min(1).max(1024).optional();

const requests = {
  StartExecution: z.object({
    stateMachineArn,
    name: z.string().optional(),
    input: z.string().optional(),
    traceHeader: z.string().optional(),
  }),
  DescribeExecution: z.object({ executionArn, includedData: z.string().optional() }),
  ListExecutions: z.object({
    stateMachineArn,
    statusFilter: z
      .enum(['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'])
      .optional(),
    maxResults: pageSize,
    nextToken,
  }),
  GetExecutionHistory: z.object({
    executionArn,
    maxResults: pageSize,
    reverseOrder: z.boolean().optional(),
    nextToken,
    includeExecutionData: z.boolean().optional(),
  }),
  DescribeStateMachine: z.object({ stateMachineArn, includedData: z.string().optional() }),
  ListStateMachines: z.object({ maxResults: pageSize, nextToken }),
  StopExecution: z.object({ executionArn, error: z.string().optional(), cause: z.string().optional() }),
} as const;

export type OperationName = keyof typeof requests;

export function isOperationName(name: string): name is OperationName {
  return Object.hasOwn(requests, name);
}

export async function runOperation(
  engine: ExecutionEngine,
  operation: OperationName,
  body: unknown,
): Promise<unknown> {
  const parsed = requests[operation].safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map(
      (issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`,
    );
    throw new StepFunctionsApiError(
      'ValidationException',
      `${issues.length} validation error(s) detected: ${issues.join('; ')}`,
    );
  }
  const request = parsed.data;
  switch (operation) {
    case 'StartExecution': {
      const { stateMachineArn, name, input } = request as z.infer<typeof requests.StartExecution>;
      const started = await engine.start(stateMachineArn, name, input ?? '{}');
      return { executionArn: started.executionArn, startDate: started.startDate };
    }
    case 'DescribeExecution': {
      const { executionArn } = request as z.infer<typeof requests.DescribeExecution>;
      return engine.describe(checkedExecutionArn(executionArn));
    }
    case 'ListExecutions': {
      const { stateMachineArn, statusFilter, maxResults, nextToken } = request as z.infer<
        typeof requests.ListExecutions
      >;
      const page = paginate(engine.list(stateMachineArn, statusFilter), maxResults, nextToken, operation);
      return { executions: page.items, nextToken: page.nextToken };
    }
    case 'GetExecutionHistory': {
      const { executionArn, maxResults, reverseOrder, nextToken, includeExecutionData } = request as z.infer<
        typeof requests.GetExecutionHistory
      >;
      let events = engine.history(checkedExecutionArn(executionArn));
      if (reverseOrder) events = events.reverse();
      if (includeExecutionData === false) events = events.map(withoutExecutionData);
      const page = paginate(events, maxResults, nextToken, operation);
      return { events: page.items, nextToken: page.nextToken };
    }
    case 'DescribeStateMachine': {
      const { stateMachineArn } = request as z.infer<typeof requests.DescribeStateMachine>;
      return engine.describeStateMachine(stateMachineArn);
    }
    case 'ListStateMachines': {
      const { maxResults, nextToken } = request as z.infer<typeof requests.ListStateMachines>;
      const page = paginate(engine.listStateMachines(), maxResults, nextToken, operation);
      return { stateMachines: page.items, nextToken: page.nextToken };
    }
    case 'StopExecution': {
      const { executionArn, error, cause } = request as z.infer<typeof requests.StopExecution>;
      return engine.stop(checkedExecutionArn(executionArn), error, cause);
    }
  }
}

function checkedExecutionArn(arn: string): string {
  if (!isExecutionArn(arn)) throw new StepFunctionsApiError('InvalidArn', `Invalid Arn: '${arn}'`, { arn });
  return arn;
}

/** nextToken is opaque to clients: the operation and the offset of the next page. */
function paginate<T>(
  items: T[],
  maxResults: number | undefined,
  token: string | undefined,
  operation: string,
) {
  const size = maxResults && maxResults > 0 ? maxResults : DEFAULT_PAGE_SIZE;
  const offset = token === undefined ? 0 : decodeToken(token, operation);
  const end = offset + size;
  return {
    items: items.slice(offset, end),
    nextToken: end < items.length ? encodeToken(end, operation) : undefined,
  };
}

function encodeToken(offset: number, operation: string): string {
  return Buffer.from(JSON.stringify({ operation, offset })).toString('base64url');
}

function decodeToken(token: string, operation: string): number {
  try {
    const decoded = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as {
      operation?: unknown;
      offset?: unknown;
    };
    if (
      decoded.operation === operation &&
      Number.isInteger(decoded.offset) &&
      (decoded.offset as number) >= 0
    ) {
      return decoded.offset as number;
    }
  } catch {
    // falls through to InvalidToken
  }
  throw new StepFunctionsApiError('InvalidToken', `Invalid Token: '${token}'`);
}

/** includeExecutionData false: AWS leaves input and output out of every event's details. */
function withoutExecutionData(event: HistoryEvent): HistoryEvent {
  const entries = Object.entries(event).map(([key, value]) => {
    if (!key.endsWith('EventDetails') || !value || typeof value !== 'object') return [key, value];
    const { input: _input, output: _output, ...rest } = value as Record<string, unknown>;
    return [key, rest];
  });
  return Object.fromEntries(entries) as HistoryEvent;
}
