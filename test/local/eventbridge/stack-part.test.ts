import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../local/clock.ts';
import { deriveStackConfig } from '../../../local/config/stack-config.ts';
import type { StartedEventBridge } from '../../../local/eventbridge/stack-part.ts';
import { startEventBridge } from '../../../local/eventbridge/stack-part.ts';

/** The monitoring functions' events as `serverless print` shows them for the local stage. */
const printed = {
  service: 'synergy',
  provider: {
    name: 'aws',
    stage: 'local',
    region: 'us-east-1',
    s3: { data: { name: 'synergy-local-data' } },
  },
  functions: {
    retrain: {
      handler: 'functions/retrain.handler',
      events: [
        {
          eventBridge: {
            pattern: {
              source: ['aws.cloudwatch'],
              'detail-type': ['CloudWatch Alarm State Change'],
              detail: { alarmName: [{ prefix: 'synergy-local-' }], state: { value: ['ALARM'] } },
            },
          },
        },
        { schedule: { rate: ['rate(7 days)'], enabled: true } },
      ],
    },
    monitor: { handler: 'functions/monitor.handler', events: [{ schedule: { rate: ['rate(1 hour)'] } }] },
  },
};

describe('startEventBridge', () => {
  let started: StartedEventBridge | undefined;
  const clock = new SimulatedClock({ start: Date.UTC(2024, 0, 1), speed: 0 });
  afterEach(async () => {
    await started?.stop();
    clock.close();
  });

  it("runs the stack's rules: alarm changes to retrain, the hourly schedule to monitor", async () => {
    const config = deriveStackConfig(printed);
    const invoked: [string, unknown][] = [];
    started = await startEventBridge({
      config,
      clock,
      invoke: async (functionKey, event) => void invoked.push([functionKey, event]),
    });
    expect(started.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    started.standIn.start();
    started.standIn.publish({
      version: '0',
      id: '11111111-2222-3333-4444-555555555555',
      'detail-type': 'CloudWatch Alarm State Change',
      source: 'aws.cloudwatch',
      account: config.accountId,
      time: '2024-01-01T00:00:00Z',
      region: config.region,
      resources: ['arn:aws:cloudwatch:us-east-1:000000000000:alarm:synergy-local-iris-drift'],
      detail: { alarmName: 'synergy-local-iris-drift', state: { value: 'ALARM' } },
    });
    await started.standIn.drain();
    await clock.advance(3_600_000);
    expect(invoked.map(([functionKey]) => functionKey)).toEqual(['retrain', 'monitor']);
    expect(invoked[1][1]).toMatchObject({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      resources: ['arn:aws:events:us-east-1:000000000000:rule/synergy-local-MonitorEventsRuleSchedule1'],
      time: '2024-01-01T01:00:00Z',
    });
  });
});
