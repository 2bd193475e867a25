/**
 * The Step Functions API stand-in: AWS JSON 1.0 (`X-Amz-Target: AWSStepFunctions.<Operation>`,
 * application/x-amz-json-1.0), so the unmodified @aws-sdk/client-sfn works against the local engine.
 * Errors are AWS's shape (`{"__type", "message"}`, status 400); timestamps are epoch seconds as AWS sends
 * them.
 */
import { type StartedAwsJsonServer, startAwsJsonServer, withEpochSeconds } from '../aws-json-server.ts';
import { isOperationName, runOperation } from './api-operations.ts';
import type { ExecutionEngine } from './engine.ts';
import { StepFunctionsApiError } from './errors.ts';

export type StartedStepFunctionsApi = StartedAwsJsonServer;

export function startStepFunctionsApi(
  engine: ExecutionEngine,
  options: { port?: number },
): Promise<StartedStepFunctionsApi> {
  return startAwsJsonServer(
    {
      contentType: 'application/x-amz-json-1.0',
      targetPrefix: 'AWSStepFunctions.',
      isOperation: isOperationName,
      run: async (operation, input) => withEpochSeconds(await runOperation(engine, operation, input)),
      unknownOperation: (target) =>
        new StepFunctionsApiError(
          'UnknownOperationException',
          `Unknown operation ${target || '(no X-Amz-Target)'}`,
        ),
      invalidJson: (cause) =>
        new StepFunctionsApiError('ValidationException', 'The request body is not valid JSON', {}, { cause }),
      apiError: (error) =>
        error instanceof StepFunctionsApiError
          ? { status: 400, body: { __type: error.type, message: error.message } }
          : undefined,
      internalError: { type: 'InternalFailure' },
    },
    options.port,
  );
}
