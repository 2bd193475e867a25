/**
 * A LambdaInvoker for the engine tests: functions are plain async functions keyed like serverless.yml;
 * every call is recorded; a thrown error reaches the engine as the real runtime reports it (a
 * LambdaFunctionError whose name is the errorType and whose cause is Lambda's JSON payload).
 */
import {
  type InvokeOptions,
  LambdaFunctionError,
  type LambdaInvoker,
} from '../../../../local/lambda/types.ts';

export type FakeFunction = (event: unknown) => unknown;

export interface RecordedCall {
  readonly functionKey: string;
  readonly event: unknown;
  readonly at: number;
}

export class FakeLambdaInvoker implements LambdaInvoker {
  readonly calls: RecordedCall[] = [];
  private running = 0;
  maxConcurrent = 0;

  constructor(private readonly functions: Record<string, FakeFunction>) {}

  callsOf(functionKey: string): RecordedCall[] {
    return this.calls.filter((call) => call.functionKey === functionKey);
  }

  async invoke(functionKey: string, event: unknown, options?: InvokeOptions): Promise<unknown> {
    this.calls.push({ functionKey, event, at: performance.now() });
    const fn = this.functions[functionKey];
    if (!fn)
      throw LambdaFunctionError.service(
        functionKey,
        'Lambda.ResourceNotFoundException',
        `no function ${functionKey}`,
      );
    this.running += 1;
    this.maxConcurrent = Math.max(this.maxConcurrent, this.running);
    try {
      return await abortable(
        Promise.resolve().then(() => fn(event)),
        options?.signal,
      );
    } catch (error) {
      if (error instanceof LambdaFunctionError || !(error instanceof Error)) throw error;
      throw LambdaFunctionError.fromPayload(functionKey, {
        errorType: error.name,
        errorMessage: error.message,
        trace: [`${error.name}: ${error.message}`, '    at fake (fake-invoker.ts)'],
      });
    } finally {
      this.running -= 1;
    }
  }
}

function abortable<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Error('invocation aborted'));
    if (signal.aborted) onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** A named error as a handler would throw it (its name becomes the Lambda errorType). */
export function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

/** A function key from a Task Resource, as the stack's resolver does: Fn::GetAtt, function ARN, lambda:invoke. */
export function resolveFunctionKey(resource: unknown, parameters?: unknown): string {
  if (resource && typeof resource === 'object' && 'Fn::GetAtt' in resource) {
    return (resource as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
  }
  if (resource === 'arn:aws:states:::lambda:invoke') {
    const name = (parameters as { FunctionName?: unknown } | undefined)?.FunctionName;
    if (typeof name === 'string') return name.split(':function:').pop() ?? name;
  }
  if (typeof resource === 'string' && resource.includes(':function:')) return resource.split(':function:')[1];
  throw new Error(`not a function resource: ${JSON.stringify(resource)}`);
}
