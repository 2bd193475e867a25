/** The CloudWatch stand-in on a hand-driven clock, its API server and a real SDK client for it. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { startCloudWatchApi } from '../../../../local/cloudwatch/api-server.ts';
import { type AlarmStateChangeEvent, CloudWatchStandIn } from '../../../../local/cloudwatch/stand-in.ts';

export const REGION = 'us-east-1';
export const ACCOUNT = '123456789012';
/** 2025-03-10T12:00:00Z: a whole hour, so periods of any length start here. */
export const START = Date.UTC(2025, 2, 10, 12, 0, 0);

export interface LocalCloudWatch {
  readonly standIn: CloudWatchStandIn;
  readonly client: CloudWatchClient;
  readonly events: AlarmStateChangeEvent[];
  readonly logs: string[];
  /** The clock's epoch ms. */
  now(): number;
  /** Moves the clock (no timers: the test calls evaluateAlarms() when it wants CloudWatch's minute tick). */
  advance(ms: number): void;
  stop(): Promise<void>;
}

export async function startLocalCloudWatch(
  options: { directory?: string; start?: number } = {},
): Promise<LocalCloudWatch> {
  let now = options.start ?? START;
  const events: AlarmStateChangeEvent[] = [];
  const logs: string[] = [];
  const standIn = new CloudWatchStandIn({
    region: REGION,
    accountId: ACCOUNT,
    now: () => now,
    onAlarmStateChange: (event) => events.push(event),
    directory: options.directory,
    log: (line) => logs.push(line),
  });
  const api = await startCloudWatchApi(standIn, { port: 0 });
  const client = new CloudWatchClient({
    endpoint: api.endpoint,
    region: REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 1,
  });
  return {
    standIn,
    client,
    events,
    logs,
    now: () => now,
    advance(ms) {
      now += ms;
    },
    async stop() {
      client.destroy();
      await api.stop();
      await standIn.close();
    },
  };
}
