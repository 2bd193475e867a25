/**
 * The LambdaInvoker of the local stack: one FunctionPool per function of the config, each sandbox with
 * the function's environment and the local endpoints, and an optional fault injector in front.
 */
import type { StackConfig } from '../config/stack-config.ts';
import type { ServiceEndpoints } from './environment.ts';
import { sandboxEnvironment } from './environment.ts';
import type { FaultInjector } from './faults.ts';
import { poolSizes } from './pool-sizes.ts';
import type { FunctionResolver } from './resolve-function.ts';
import type { InvokeOptions, LambdaInvoker } from './types.ts';
import { LambdaFunctionError } from './types.ts';
import type { PoolStats } from './worker-pool.ts';
import { FunctionPool } from './worker-pool.ts';

export interface LocalInvokerOptions {
  readonly config: Pick<StackConfig, 'functions' | 'stateMachines' | 'runtime'> &
    Partial<Pick<StackConfig, 'httpApi'>>;
  /** From bundleFunctions. */
  readonly bundles: Readonly<Record<string, string>>;
  readonly runtimePath: string;
  readonly endpoints: ServiceEndpoints;
  readonly resolveFunction: FunctionResolver;
  /** Per function key, the most sandboxes at once (default: see pool-sizes.ts). */
  readonly concurrency?: Readonly<Record<string, number>>;
  readonly idleMs?: number;
  readonly faults?: FaultInjector;
  /** Every log line of every sandbox, with its function key. */
  readonly onLog?: (functionKey: string, line: string) => void;
}

export class LocalLambdaInvoker implements LambdaInvoker {
  private readonly pools = new Map<string, FunctionPool>();
  private readonly faults: FaultInjector | undefined;

  constructor(options: LocalInvokerOptions) {
    this.faults = options.faults;
    const sizes = poolSizes(options.config, options.resolveFunction, options.concurrency);
    for (const fn of Object.values(options.config.functions)) {
      const bundlePath = options.bundles[fn.key];
      if (bundlePath === undefined) throw new RangeError(`no bundle for function ${fn.key}`);
      const onLog = options.onLog;
      this.pools.set(
        fn.key,
        new FunctionPool({
          fn,
          bundlePath,
          runtimePath: options.runtimePath,
          env: sandboxEnvironment(fn, options.endpoints, options.config.runtime),
          maxSandboxes: sizes[fn.key],
          idleMs: options.idleMs,
          onLog: onLog && ((line) => onLog(fn.key, line)),
        }),
      );
    }
  }

  async invoke(functionKey: string, event: unknown, options?: InvokeOptions): Promise<unknown> {
    const pool = this.pools.get(functionKey);
    if (!pool) {
      throw LambdaFunctionError.service(
        functionKey,
        'Lambda.ResourceNotFoundException',
        `Function not found: ${functionKey} (functions: ${[...this.pools.keys()].join(', ')})`,
      );
    }
    const fault = this.faults?.take(functionKey, event);
    if (fault) throw fault;
    return pool.invoke(event, options);
  }

  stats(): Record<string, PoolStats> {
    return Object.fromEntries([...this.pools].map(([key, pool]) => [key, pool.stats()]));
  }

  /** Terminates every sandbox of every function. */
  async close(): Promise<void> {
    await Promise.all([...this.pools.values()].map((pool) => pool.close()));
  }
}
