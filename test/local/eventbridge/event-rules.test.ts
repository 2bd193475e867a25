import { describe, expect, it } from 'vitest';
import { StackConfigError } from '../../../local/config/errors.ts';
import { ruleArn } from '../../../local/config/event-rules.ts';
import { deriveStackConfig } from '../../../local/config/stack-config.ts';

const ALARM_PATTERN = {
  source: ['aws.cloudwatch'],
  'detail-type': ['CloudWatch Alarm State Change'],
  detail: { alarmName: [{ prefix: 'synergy-local-' }], state: { value: ['ALARM'] } },
};

/** A printed config shaped like `serverless print --format json --stage local` of serverless.yml. */
function printed(functions: Record<string, unknown>) {
  return {
    service: 'synergy',
    provider: {
      name: 'aws',
      stage: 'local',
      region: 'us-east-1',
      s3: { data: { name: 'synergy-local-data' } },
    },
    functions,
  };
}

const stackFunctions = {
  retrain: {
    handler: 'functions/retrain.handler',
    events: [
      { eventBridge: { pattern: ALARM_PATTERN } },
      { schedule: { rate: ['rate(7 days)'], enabled: true } },
    ],
  },
  monitor: { handler: 'functions/monitor.handler', events: [{ schedule: { rate: ['rate(1 hour)'] } }] },
  prep: { handler: 'functions/prep.handler' },
};

const arn = (name: string) => ruleArn('us-east-1', '000000000000', 'default', name);

describe('StackConfig.eventRules', () => {
  it("derives the stack's rules with serverless's names", () => {
    const { eventRules } = deriveStackConfig(printed(stackFunctions));
    expect(eventRules).toEqual([
      {
        name: 'synergy-local-retrain-rule-1',
        arn: 'arn:aws:events:us-east-1:000000000000:rule/synergy-local-retrain-rule-1',
        functionKey: 'retrain',
        eventBus: 'default',
        pattern: ALARM_PATTERN,
        enabled: true,
      },
      {
        name: 'synergy-local-RetrainEventsRuleSchedule1',
        arn: arn('synergy-local-RetrainEventsRuleSchedule1'),
        functionKey: 'retrain',
        eventBus: 'default',
        schedule: 'rate(7 days)',
        enabled: true,
      },
      {
        name: 'synergy-local-MonitorEventsRuleSchedule1',
        arn: arn('synergy-local-MonitorEventsRuleSchedule1'),
        functionKey: 'monitor',
        eventBus: 'default',
        schedule: 'rate(1 hour)',
        enabled: true,
      },
    ]);
  });

  it('reads every form of schedule event', () => {
    const { eventRules } = deriveStackConfig(
      printed({
        job: {
          handler: 'functions/job.handler',
          events: [
            { schedule: 'cron(0 12 * * ? *)' },
            { schedule: { rate: 'rate(5 minutes)', enabled: 'false' } },
            { schedule: { rate: ['rate(1 day)', 'cron(0 6 ? * 2 *)'], input: '{"kind":"daily"}' } },
            {
              schedule: {
                rate: ['rate(2 hours)'],
                name: 'named-rule',
                input: { body: '{"a":1}', extra: true },
              },
            },
            { schedule: { rate: [{ 'Fn::Join': ['', ['rate(3 ', 'days)']] }], inputPath: '$.detail' } },
          ],
        },
      }),
    );
    expect(
      eventRules.map(({ name, schedule, enabled, input, inputPath }) => ({
        name,
        schedule,
        enabled,
        input,
        inputPath,
      })),
    ).toEqual([
      {
        name: 'synergy-local-JobEventsRuleSchedule1',
        schedule: 'cron(0 12 * * ? *)',
        enabled: true,
        input: undefined,
        inputPath: undefined,
      },
      {
        name: 'synergy-local-JobEventsRuleSchedule2',
        schedule: 'rate(5 minutes)',
        enabled: false,
        input: undefined,
        inputPath: undefined,
      },
      {
        name: 'synergy-local-JobEventsRuleSchedule3',
        schedule: 'rate(1 day)',
        enabled: true,
        input: { kind: 'daily' },
        inputPath: undefined,
      },
      {
        name: 'synergy-local-JobEventsRuleSchedule4',
        schedule: 'cron(0 6 ? * 2 *)',
        enabled: true,
        input: { kind: 'daily' },
        inputPath: undefined,
      },
      {
        name: 'named-rule',
        schedule: 'rate(2 hours)',
        enabled: true,
        input: { body: { a: 1 }, extra: true },
        inputPath: undefined,
      },
      {
        name: 'synergy-local-JobEventsRuleSchedule6',
        schedule: 'rate(3 days)',
        enabled: true,
        input: undefined,
        inputPath: '$.detail',
      },
    ]);
  });

  it('reads eventBridge events: name, bus, input, enabled, and shortens long names as serverless does', () => {
    const longKey = 'a-function-with-a-really-quite-remarkably-long-name';
    const { eventRules } = deriveStackConfig(
      printed({
        [longKey]: {
          handler: 'functions/long.handler',
          events: [{ s3: 'data' }, { eventBridge: { pattern: { source: ['app'] }, enabled: false } }],
        },
        custom: {
          handler: 'functions/custom.handler',
          events: [
            {
              eventBridge: {
                name: 'on-orders',
                eventBus: 'arn:aws:events:us-east-1:000000000000:event-bus/orders',
                pattern: { source: ['shop'] },
                input: { constant: 1 },
              },
            },
            { eventBridge: { schedule: 'rate(10 minutes)', inputPath: '$.time' } },
          ],
        },
      }),
    );
    const [long, orders, scheduled] = eventRules;
    const fullName = `synergy-local-${longKey}-rule-2`;
    expect(fullName.length).toBeGreaterThan(64);
    expect(long.name.length).toBeLessThanOrEqual(64);
    expect(long.name.startsWith(fullName.slice(0, 31 - 'rule-2'.length))).toBe(true);
    expect(long.name.endsWith('-rule-2')).toBe(true);
    expect(long.enabled).toBe(false);
    expect(orders).toMatchObject({
      name: 'on-orders',
      eventBus: 'orders',
      arn: 'arn:aws:events:us-east-1:000000000000:rule/orders/on-orders',
      input: { constant: 1 },
    });
    expect(scheduled).toMatchObject({
      name: 'synergy-local-custom-rule-2',
      schedule: 'rate(10 minutes)',
      inputPath: '$.time',
      eventBus: 'default',
    });
  });

  it('has no rules when no function has eventBridge or schedule events', () => {
    expect(deriveStackConfig(printed({ prep: { handler: 'functions/prep.handler' } })).eventRules).toEqual(
      [],
    );
  });

  it.each([
    [{ eventBridge: { pattern: { source: [{ bogus: 1 }] } } }, 'Unrecognized match type bogus'],
    [{ eventBridge: { pattern: { source: 'x' } } }, 'must be an object or an array'],
    [{ eventBridge: { description: 'neither' } }, 'needs a pattern or a schedule'],
    [
      { eventBridge: { pattern: { source: ['x'] }, input: { a: 1 }, inputPath: '$.detail' } },
      'only one of input and inputPath',
    ],
    [{ eventBridge: { schedule: 'rate(1 hour)', eventBus: 'orders' } }, 'only on the default event bus'],
    [
      { eventBridge: { pattern: { source: ['x'] }, inputTransformer: { inputTemplate: '"x"' } } },
      'inputTransformer is not supported',
    ],
    [{ schedule: 'rate(1 hours)' }, 'functions.job.events[0].schedule'],
    [{ schedule: { rate: ['cron(0 12 * * MON *)'] } }, 'day-of-month and day-of-week'],
    [{ schedule: { rate: ['rate(1 hour)'], enabled: 'maybe' } }, 'functions.job.events[0].schedule'],
    [{ schedule: { rate: ['rate(1 hour)', 'rate(2 hours)'], name: 'one' } }, 'only one rate expression'],
    [{ schedule: { rate: ['rate(1 hour)'], input: 'not json' } }, 'must be JSON text'],
    [{ schedule: { rate: ['rate(1 hour)'], method: 'scheduler' } }, 'method scheduler is not supported'],
    [{ schedule: { rate: ['rate(1 hour)'], inputPath: 'detail' } }, 'InputPath "detail"'],
  ])('refuses %j', (event, message) => {
    const config = printed({ job: { handler: 'functions/job.handler', events: [event] } });
    expect(() => deriveStackConfig(config)).toThrow(StackConfigError);
    expect(() => deriveStackConfig(config)).toThrow(message);
  });

  it('refuses two rules with one name on one bus', () => {
    const config = printed({
      a: { handler: 'functions/a.handler', events: [{ schedule: { rate: ['rate(1 hour)'], name: 'same' } }] },
      b: {
        handler: 'functions/b.handler',
        events: [{ schedule: { rate: ['rate(2 hours)'], name: 'same' } }],
      },
    });
    expect(() => deriveStackConfig(config)).toThrow('two EventBridge rules are named same');
  });
});
