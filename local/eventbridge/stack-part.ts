/**
 * The EventBridge part of the local stack: the stand-in over the stack's rules and the shared clock,
 * served on its API port, delivering to functions through the stack's invoker. The stack calls
 * `standIn.start()` once the functions can run, so no schedule fires into a stack still starting.
 */
import type { LocalClock } from '../clock.ts';
import type { StackConfig } from '../config/stack-config.ts';
import { startEventBridgeApi } from './api-server.ts';
import { EventBridgeStandIn } from './event-bridge.ts';

export { EventBridgeStandIn } from './event-bridge.ts';

export interface StartedEventBridge {
  readonly standIn: EventBridgeStandIn;
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  /** Closes the stand-in (schedules, retries) and its API server. */
  stop(): Promise<void>;
}

export async function startEventBridge(options: {
  readonly config: Pick<StackConfig, 'region' | 'accountId' | 'eventRules'>;
  readonly clock: LocalClock;
  readonly port?: number;
  readonly invoke: (functionKey: string, event: unknown) => Promise<unknown>;
  readonly retryDelaysMs?: readonly number[];
  readonly log?: (line: string) => void;
}): Promise<StartedEventBridge> {
  const standIn = new EventBridgeStandIn({
    region: options.config.region,
    accountId: options.config.accountId,
    clock: options.clock,
    rules: options.config.eventRules,
    deliver: options.invoke,
    ...(options.retryDelaysMs === undefined ? {} : { retryDelaysMs: options.retryDelaysMs }),
    ...(options.log === undefined ? {} : { log: options.log }),
  });
  const api = await startEventBridgeApi(standIn, { port: options.port });
  return {
    standIn,
    endpoint: api.endpoint,
    async stop() {
      await Promise.all([standIn.close(), api.stop()]);
    },
  };
}
