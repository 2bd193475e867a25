/**
 * The contract between the local Lambda runtime (this folder) and the local Step Functions engine
 * (local/stepfunctions): the engine invokes functions by their serverless.yml key and sees their errors
 * the way a Task state sees a Lambda's errors on AWS.
 */

export interface InvokeOptions {
  /** Aborting gives up on the invocation; a running handler's worker is terminated (no other way to stop it). */
  readonly signal?: AbortSignal;
}

export interface LambdaInvoker {
  /** Invokes a function by its serverless.yml key (e.g. "prep") with a JSON event, synchronously
   *  (RequestResponse). Resolves with the handler's JSON result. A handler error rejects with a
   *  LambdaFunctionError whose `name` is the errorType (error.name thrown by the handler, e.g.
   *  "DataError") and `message` the errorMessage; `cause` JSON as Step Functions shows it:
   *  JSON.stringify({errorType, errorMessage, trace}). A timeout rejects with name "Sandbox.Timedout";
   *  a crashed worker "Runtime.ExitError"; an injected service fault e.g. "Lambda.ServiceException". */
  invoke(functionKey: string, event: unknown, options?: InvokeOptions): Promise<unknown>;
}

/** What a failed invocation reports, as Lambda's Invoke API returns it in the error payload. */
export interface LambdaErrorPayload {
  readonly errorType: string;
  readonly errorMessage: string;
  readonly trace?: readonly string[];
}

/**
 * A failed invocation. `name` and `errorType` are the Lambda errorType (which Step Functions uses as the
 * Error its Retry/Catch match); `cause` is the text Step Functions shows as Cause.
 */
export class LambdaFunctionError extends Error {
  readonly errorType: string;
  override readonly cause: string;
  readonly functionKey: string;

  constructor(functionKey: string, errorType: string, errorMessage: string, cause: string) {
    super(errorMessage);
    this.name = errorType;
    this.errorType = errorType;
    this.cause = cause;
    this.functionKey = functionKey;
  }

  /** A function error (thrown by the handler, a timeout, a crash): Cause is the JSON error payload. */
  static fromPayload(functionKey: string, payload: LambdaErrorPayload): LambdaFunctionError {
    return new LambdaFunctionError(
      functionKey,
      payload.errorType,
      payload.errorMessage,
      JSON.stringify(payload),
    );
  }

  /** A Lambda service error (throttling, service exception): there is no function payload, Cause is the text. */
  static service(functionKey: string, errorType: string, message: string): LambdaFunctionError {
    return new LambdaFunctionError(functionKey, errorType, message, message);
  }
}
