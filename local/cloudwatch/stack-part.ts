/**
 * The CloudWatch stand-in as a part of the local stack: the stand-in on the stack's clock, its API
 * server, and CloudWatch's minute tick (every alarm evaluated at each whole clock minute, so alarms move
 * when data stops arriving and time passes, also under `dev --speed N` or a test's clock.advance()).
 */
import type { LocalClock } from '../clock.ts';
import type { StackConfig } from '../config/stack-config.ts';
import { startCloudWatchApi } from './api-server.ts';
import { type AlarmStateChangeEvent, CloudWatchStandIn } from './stand-in.ts';

export type { AlarmStateChangeEvent } from './stand-in.ts';
export { CloudWatchStandIn } from './stand-in.ts';

const MINUTE_MS = 60_000;

export interface StartedCloudWatch {
  readonly standIn: CloudWatchStandIn;
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  stop(): Promise<void>;
}

export async function startCloudWatch(options: {
  readonly config: Pick<StackConfig, 'region' | 'accountId'>;
  readonly clock: LocalClock;
  readonly directory?: string;
  readonly port?: number;
  readonly onAlarmStateChange?: (event: AlarmStateChangeEvent) => void;
  readonly log?: (line: string) => void;
}): Promise<StartedCloudWatch> {
  const { clock } = options;
  const standIn = new CloudWatchStandIn({
    region: options.config.region,
    accountId: options.config.accountId,
    now: () => clock.now(),
    fromRealTime: (realMs) => clock.fromRealTime(realMs),
    onAlarmStateChange: options.onAlarmStateChange,
    directory: options.directory,
    log: options.log,
  });
  const api = await startCloudWatchApi(standIn, { port: options.port });
  let stopped = false;
  let cancel = (): void => {};
  const schedule = (): void => {
    if (stopped) return;
    cancel = clock.at((Math.floor(clock.now() / MINUTE_MS) + 1) * MINUTE_MS, () => {
      standIn.evaluateAlarms();
      schedule();
    });
  };
  schedule();
  let stopping: Promise<void> | undefined;
  return {
    standIn,
    endpoint: api.endpoint,
    stop() {
      stopping ??= (async () => {
        stopped = true;
        cancel();
        await api.stop();
        await standIn.close();
      })();
      return stopping;
    },
  };
}
