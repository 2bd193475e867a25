/**
 * The EventBridge API stand-in: AWS JSON 1.1 (`X-Amz-Target: AWSEvents.<Operation>`,
 * application/x-amz-json-1.1), so the unmodified @aws-sdk/client-eventbridge works against the local
 * bus. Errors are AWS's shape (`{"__type", "message"}`, status 400).
 */
import { type StartedAwsJsonServer, startAwsJsonServer } from '../aws-json-server.ts';
import { isOperationName, runOperation } from './api-operations.ts';
import { EventBridgeApiError } from './errors.ts';
import type { EventBridgeStandIn } from './event-bridge.ts';

export type StartedEventBridgeApi = StartedAwsJsonServer;

export function startEventBridgeApi(
  standIn: EventBridgeStandIn,
  options: { port?: number } = {},
): Promise<StartedEventBridgeApi> {
  return startAwsJsonServer(
    {
      contentType: 'application/x-amz-json-1.1',
      targetPrefix: 'AWSEvents.',
      isOperation: isOperationName,
      run: (operation, input) => runOperation(standIn, operation, input),
      unknownOperation: (target) =>
        new EventBridgeApiError(
          'UnknownOperationException',
          `Unknown operation ${target || '(no X-Amz-Target)'}`,
        ),
      invalidJson: (cause) =>
        new EventBridgeApiError('ValidationException', 'The request body is not valid JSON', {}, { cause }),
      apiError: (error) =>
        error instanceof EventBridgeApiError
          ? { status: 400, body: { __type: error.type, message: error.message } }
          : undefined,
      internalError: { type: 'InternalException' },
    },
    options.port,
  );
}
