/**
 * Fault injection for tests of the pipeline's resilience: an invocation that matches a fault fails with
 * the given error before reaching the function, the way a Lambda service error would. A harness hook:
 * handlers never know.
 */
import { LambdaFunctionError } from './types.ts';

export interface FaultSpec {
  readonly functionKey: string;
  /** How many matching invocations fail (default 1). */
  readonly times?: number;
  /** Only invocations whose event matches fail (default: every invocation of the function). */
  readonly when?: (event: unknown) => boolean;
  /** e.g. {name: 'Lambda.ServiceException', message: '…'}. */
  readonly error: { readonly name: string; readonly message: string };
}

export interface Fault {
  /** Invocations failed so far. */
  readonly fired: number;
  remove(): void;
}

interface ArmedFault {
  readonly spec: FaultSpec;
  fired: number;
}

export class FaultInjector {
  private readonly faults: ArmedFault[] = [];

  add(spec: FaultSpec): Fault {
    const times = spec.times ?? 1;
    if (!(times >= 1)) throw new RangeError(`fault for ${spec.functionKey}: times must be ≥ 1, got ${times}`);
    const armed: ArmedFault = { spec: { ...spec, times }, fired: 0 };
    this.faults.push(armed);
    return {
      get fired() {
        return armed.fired;
      },
      remove: () => this.remove(armed),
    };
  }

  clear(): void {
    this.faults.length = 0;
  }

  /** The error this invocation must fail with, if a fault matches (and uses one of its `times`). */
  take(functionKey: string, event: unknown): LambdaFunctionError | undefined {
    const armed = this.faults.find(
      (fault) => fault.spec.functionKey === functionKey && (fault.spec.when?.(event) ?? true),
    );
    if (!armed) return undefined;
    armed.fired++;
    if (armed.fired >= (armed.spec.times ?? 1)) this.remove(armed);
    const { name, message } = armed.spec.error;
    // A Lambda.* error is the service's (no function payload); any other name stands for a function error.
    return name.startsWith('Lambda.')
      ? LambdaFunctionError.service(functionKey, name, message)
      : LambdaFunctionError.fromPayload(functionKey, { errorType: name, errorMessage: message, trace: [] });
  }

  private remove(armed: ArmedFault): void {
    const at = this.faults.indexOf(armed);
    if (at >= 0) this.faults.splice(at, 1);
  }
}
