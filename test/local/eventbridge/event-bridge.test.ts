import { afterEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../local/clock.ts';
import type { EventRule } from '../../../local/config/event-rules.ts';
import { ruleArn } from '../../../local/config/event-rules.ts';
import { EventPatternError } from '../../../local/eventbridge/errors.ts';
import type { EventEnvelope } from '../../../local/eventbridge/event-bridge.ts';
import { EventBridgeStandIn } from '../../../local/eventbridge/event-bridge.ts';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const START = Date.UTC(2024, 4, 1, 9, 30, 0);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function rule(
  name: string,
  fields: Omit<EventRule, 'name' | 'arn' | 'eventBus' | 'enabled'> & Partial<EventRule>,
): EventRule {
  return {
    name,
    arn: ruleArn(REGION, ACCOUNT, 'default', name),
    eventBus: 'default',
    enabled: true,
    ...fields,
  };
}

const alarmRule = rule('synergy-local-retrain-rule-1', {
  functionKey: 'retrain',
  pattern: {
    source: ['aws.cloudwatch'],
    'detail-type': ['CloudWatch Alarm State Change'],
    detail: { alarmName: [{ prefix: 'synergy-local-' }], state: { value: ['ALARM'] } },
  },
});
const weekly = rule('synergy-local-RetrainEventsRuleSchedule1', {
  functionKey: 'retrain',
  schedule: 'rate(7 days)',
});
const hourly = rule('synergy-local-MonitorEventsRuleSchedule1', {
  functionKey: 'monitor',
  schedule: 'rate(1 hour)',
});

function alarmEvent(alarmName: string, state: string): EventEnvelope {
  return {
    version: '0',
    id: crypto.randomUUID(),
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time: '2024-05-01T09:30:00Z',
    region: REGION,
    resources: [`arn:aws:cloudwatch:${REGION}:${ACCOUNT}:alarm:${alarmName}`],
    detail: {
      alarmName,
      state: { value: state, timestamp: '2024-05-01T09:30:00.000+0000' },
      previousState: { value: 'OK' },
    },
  };
}

describe('EventBridgeStandIn', () => {
  const closing: (() => unknown)[] = [];
  afterEach(async () => {
    for (const close of closing.splice(0)) await close();
  });

  function setUp(
    rules: readonly EventRule[],
    deliver: (functionKey: string, event: unknown) => Promise<unknown> = async () => {},
  ) {
    const clock = new SimulatedClock({ start: START, speed: 0 });
    const delivered: { functionKey: string; event: unknown }[] = [];
    const logs: string[] = [];
    const standIn = new EventBridgeStandIn({
      region: REGION,
      accountId: ACCOUNT,
      clock,
      rules,
      deliver: async (functionKey, event) => {
        delivered.push({ functionKey, event });
        await deliver(functionKey, event);
      },
      retryDelaysMs: [1, 2],
      log: (line) => logs.push(line),
    });
    closing.push(
      () => standIn.close(),
      () => clock.close(),
    );
    return { clock, standIn, delivered, logs };
  }

  it('fires rate schedules one period after start, every period, as Scheduled Events', async () => {
    const { clock, standIn, delivered } = setUp([alarmRule, weekly, hourly]);
    standIn.start();
    await clock.advance(3 * HOUR);
    expect(delivered.map((d) => d.functionKey)).toEqual(['monitor', 'monitor', 'monitor']);
    const times = delivered.map((d) => (d.event as EventEnvelope).time);
    expect(times).toEqual(['2024-05-01T10:30:00Z', '2024-05-01T11:30:00Z', '2024-05-01T12:30:00Z']);
    const first = delivered[0].event as EventEnvelope;
    expect(first).toEqual({
      version: '0',
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: ACCOUNT,
      time: '2024-05-01T10:30:00Z',
      region: REGION,
      resources: [hourly.arn],
      detail: {},
    });
    expect(new Set(delivered.map((d) => (d.event as EventEnvelope).id)).size).toBe(3);

    await clock.advance(7 * DAY - 3 * HOUR);
    const retrains = delivered.filter((d) => d.functionKey === 'retrain');
    expect(retrains).toHaveLength(1);
    expect(retrains[0].event).toMatchObject({ time: '2024-05-08T09:30:00Z', resources: [weekly.arn] });
    expect(delivered.filter((d) => d.functionKey === 'monitor')).toHaveLength(7 * 24);
    expect(standIn.recent(2).map((event) => event.time)).toEqual([
      '2024-05-08T09:30:00Z',
      '2024-05-08T09:30:00Z',
    ]);
  });

  it('fires cron schedules at their UTC times, delivering the constant input when the rule has one', async () => {
    const noon = rule('noon', {
      functionKey: 'report',
      schedule: 'cron(0 12 * * ? *)',
      input: { kind: 'daily' },
    });
    const { clock, standIn, delivered } = setUp([noon]);
    standIn.start();
    await clock.advance(2 * DAY);
    expect(delivered).toEqual([
      { functionKey: 'report', event: { kind: 'daily' } },
      { functionKey: 'report', event: { kind: 'daily' } },
    ]);
    expect(standIn.recent().map((event) => event.time)).toEqual([
      '2024-05-01T12:00:00Z',
      '2024-05-02T12:00:00Z',
    ]);
  });

  it('fires nothing before start() and nothing after close()', async () => {
    const { clock, standIn, delivered } = setUp([hourly]);
    await clock.advance(2 * HOUR);
    expect(delivered).toEqual([]);
    standIn.start();
    await clock.advance(HOUR);
    expect(delivered).toHaveLength(1);
    await standIn.close();
    await clock.advance(5 * HOUR);
    expect(delivered).toHaveLength(1);
  });

  it('never delivers for a disabled rule', async () => {
    const { clock, standIn, delivered } = setUp([
      { ...hourly, enabled: false },
      { ...alarmRule, enabled: false },
    ]);
    standIn.start();
    await clock.advance(5 * HOUR);
    standIn.publish(alarmEvent('synergy-local-iris-drift', 'ALARM'));
    await standIn.drain();
    expect(delivered).toEqual([]);
  });

  it('routes published AWS events to the matching pattern rules only', async () => {
    const { standIn, delivered } = setUp([alarmRule, hourly]);
    const alarm = alarmEvent('synergy-local-iris-drift', 'ALARM');
    standIn.publish(alarm);
    standIn.publish(alarmEvent('synergy-local-iris-drift', 'OK'));
    standIn.publish(alarmEvent('other-app-alarm', 'ALARM'));
    await standIn.drain();
    expect(delivered).toEqual([{ functionKey: 'retrain', event: alarm }]);
    expect(standIn.recent()).toHaveLength(3);
    expect(standIn.deliveries()).toEqual([
      { rule: alarmRule.name, functionKey: 'retrain', eventId: alarm.id, attempts: 1, ok: true },
    ]);
  });

  it('delivers the InputPath part of the event when the rule has one', async () => {
    const detailOnly = rule('detail-only', {
      functionKey: 'retrain',
      pattern: { source: ['aws.cloudwatch'] },
      inputPath: '$.detail.state',
    });
    const { standIn, delivered } = setUp([detailOnly]);
    standIn.publish(alarmEvent('synergy-local-x', 'ALARM'));
    await standIn.drain();
    expect(delivered.map((d) => d.event)).toEqual([
      { value: 'ALARM', timestamp: '2024-05-01T09:30:00.000+0000' },
    ]);
  });

  it('retries a failed delivery, then succeeds', async () => {
    let calls = 0;
    const { standIn, logs } = setUp([alarmRule], async () => {
      calls++;
      if (calls < 3) throw new TypeError(`failure ${calls}`);
    });
    standIn.publish(alarmEvent('synergy-local-iris-drift', 'ALARM'));
    expect(standIn.pending()).toBe(1);
    await standIn.drain();
    expect(calls).toBe(3);
    expect(standIn.deliveries()).toMatchObject([{ attempts: 3, ok: true }]);
    expect(logs.filter((line) => line.includes('retrying'))).toHaveLength(2);
    expect(logs[0]).toContain('TypeError: failure 1');
  });

  it('gives up after three attempts, logs it, and keeps running', async () => {
    const { clock, standIn, logs, delivered } = setUp([alarmRule, hourly], async (functionKey) => {
      if (functionKey === 'retrain') throw new Error('handler crashed');
    });
    standIn.start();
    standIn.publish(alarmEvent('synergy-local-iris-drift', 'ALARM'));
    await standIn.drain();
    expect(standIn.deliveries()).toMatchObject([
      { rule: alarmRule.name, attempts: 3, ok: false, error: 'Error: handler crashed' },
    ]);
    expect(logs.at(-1)).toContain('gave up after 3 attempts (Error: handler crashed)');
    await clock.advance(HOUR);
    expect(delivered.at(-1)?.functionKey).toBe('monitor');
    expect(standIn.deliveries().at(-1)).toMatchObject({ functionKey: 'monitor', ok: true });
  });

  it('validates its rules when built', () => {
    const clock = new SimulatedClock({ start: START, speed: 0 });
    closing.push(() => clock.close());
    const build = (bad: EventRule) =>
      new EventBridgeStandIn({
        region: REGION,
        accountId: ACCOUNT,
        clock,
        rules: [bad],
        deliver: async () => {},
      });
    expect(() => build(rule('bad', { functionKey: 'f', pattern: { source: [{ nope: 1 }] } }))).toThrow(
      EventPatternError,
    );
    expect(() => build(rule('bad', { functionKey: 'f', schedule: 'rate(1 hours)' }))).toThrow(
      'ScheduleExpression',
    );
  });
});
