import {
  DescribeRuleCommand,
  EventBridgeClient,
  ListRulesCommand,
  PutEventsCommand,
  type PutEventsRequestEntry,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SimulatedClock } from '../../../local/clock.ts';
import type { EventRule } from '../../../local/config/event-rules.ts';
import { ruleArn } from '../../../local/config/event-rules.ts';
import type { StartedEventBridgeApi } from '../../../local/eventbridge/api-server.ts';
import { startEventBridgeApi } from '../../../local/eventbridge/api-server.ts';
import type { EventEnvelope } from '../../../local/eventbridge/event-bridge.ts';
import { EventBridgeStandIn } from '../../../local/eventbridge/event-bridge.ts';

const REGION = 'us-east-1';
const ACCOUNT = '000000000000';
const START = Date.UTC(2024, 4, 1, 9, 30, 0, 250);

const rules: EventRule[] = [
  {
    name: 'on-model-created',
    arn: ruleArn(REGION, ACCOUNT, 'default', 'on-model-created'),
    functionKey: 'notify',
    eventBus: 'default',
    pattern: {
      source: ['synergy.registry'],
      'detail-type': ['ModelVersionCreated'],
      detail: { version: [{ numeric: ['>=', 2] }] },
    },
    enabled: true,
  },
  {
    name: 'orders-rule',
    arn: ruleArn(REGION, ACCOUNT, 'orders', 'orders-rule'),
    functionKey: 'orders',
    eventBus: 'orders',
    pattern: { source: ['shop'] },
    enabled: true,
  },
  {
    name: 'synergy-local-MonitorEventsRuleSchedule1',
    arn: ruleArn(REGION, ACCOUNT, 'default', 'synergy-local-MonitorEventsRuleSchedule1'),
    functionKey: 'monitor',
    eventBus: 'default',
    schedule: 'rate(1 hour)',
    enabled: false,
  },
];

describe('EventBridge API stand-in with @aws-sdk/client-eventbridge', () => {
  let clock: SimulatedClock;
  let standIn: EventBridgeStandIn;
  let api: StartedEventBridgeApi;
  let client: EventBridgeClient;
  const delivered: { functionKey: string; event: EventEnvelope }[] = [];

  beforeAll(async () => {
    clock = new SimulatedClock({ start: START, speed: 0 });
    standIn = new EventBridgeStandIn({
      region: REGION,
      accountId: ACCOUNT,
      clock,
      rules,
      deliver: async (functionKey, event) =>
        void delivered.push({ functionKey, event: event as EventEnvelope }),
    });
    api = await startEventBridgeApi(standIn, {});
    client = new EventBridgeClient({
      endpoint: api.endpoint,
      region: REGION,
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    });
  });
  afterAll(async () => {
    client.destroy();
    await api.stop();
    await standIn.close();
    clock.close();
  });
  beforeEach(() => {
    delivered.length = 0;
  });

  const put = async (entries: PutEventsRequestEntry[]) => {
    const result = await client.send(new PutEventsCommand({ Entries: entries }));
    await standIn.drain();
    return result;
  };

  it('delivers a put event to the matching rule only, in the envelope AWS builds', async () => {
    const result = await put([
      {
        Source: 'synergy.registry',
        DetailType: 'ModelVersionCreated',
        Detail: JSON.stringify({ modelName: 'iris', version: 3 }),
        Resources: ['arn:x'],
      },
      {
        Source: 'synergy.registry',
        DetailType: 'ModelVersionCreated',
        Detail: JSON.stringify({ modelName: 'iris', version: 1 }),
      },
      {
        Source: 'synergy.registry',
        DetailType: 'AliasMoved',
        Detail: JSON.stringify({ modelName: 'iris', version: 3 }),
      },
    ]);
    expect(result.FailedEntryCount).toBe(0);
    expect(result.Entries).toHaveLength(3);
    const [first] = result.Entries ?? [];
    expect(delivered).toEqual([
      {
        functionKey: 'notify',
        event: {
          version: '0',
          id: first.EventId,
          'detail-type': 'ModelVersionCreated',
          source: 'synergy.registry',
          account: ACCOUNT,
          time: '2024-05-01T09:30:00Z',
          region: REGION,
          resources: ['arn:x'],
          detail: { modelName: 'iris', version: 3 },
        },
      },
    ]);
    expect(standIn.recent(3).map((event) => event.id)).toEqual(result.Entries?.map((entry) => entry.EventId));
  });

  it('uses the entry Time and routes by EventBusName (name or ARN)', async () => {
    const result = await put([
      {
        Source: 'shop',
        DetailType: 'Order',
        Detail: '{"id":1}',
        EventBusName: 'orders',
        Time: new Date('2024-02-03T04:05:06.789Z'),
      },
      {
        Source: 'shop',
        DetailType: 'Order',
        Detail: '{"id":2}',
        EventBusName: `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/orders`,
      },
      { Source: 'shop', DetailType: 'Order', Detail: '{"id":3}' },
    ]);
    expect(result.FailedEntryCount).toBe(0);
    expect(delivered.map(({ functionKey, event }) => [functionKey, event.detail.id, event.time])).toEqual([
      ['orders', 1, '2024-02-03T04:05:06Z'],
      ['orders', 2, '2024-05-01T09:30:00Z'],
    ]);
  });

  it('reports invalid entries one by one, keeping the valid ones', async () => {
    const result = await put([
      { DetailType: 'T', Detail: '{}' },
      { Source: 'app', Detail: '{}' },
      { Source: 'app', DetailType: 'T' },
      { Source: 'app', DetailType: 'T', Detail: '{not json' },
      { Source: 'app', DetailType: 'T', Detail: '[1, 2]' },
      { Source: 'aws.cloudwatch', DetailType: 'CloudWatch Alarm State Change', Detail: '{}' },
      { Source: 'app', DetailType: 'T', Detail: '{}', EventBusName: 'missing' },
      { Source: 'synergy.registry', DetailType: 'ModelVersionCreated', Detail: '{"version":2}' },
    ]);
    expect(result.FailedEntryCount).toBe(7);
    expect(result.Entries?.map((entry) => entry.ErrorCode ?? 'ok')).toEqual([
      'InvalidArgument',
      'InvalidArgument',
      'InvalidArgument',
      'MalformedDetail',
      'MalformedDetail',
      'NotAuthorizedForSourceException',
      'InvalidArgument',
      'ok',
    ]);
    expect(result.Entries?.[0].ErrorMessage).toBe(
      'Parameter Source is not valid. Reason: Source is a required argument.',
    );
    expect(result.Entries?.[7].EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(delivered.map((d) => d.event.detail)).toEqual([{ version: 2 }]);
  });

  it('refuses a request of more than 10 entries or none', async () => {
    const entry = { Source: 'app', DetailType: 'T', Detail: '{}' };
    await expect(client.send(new PutEventsCommand({ Entries: Array(11).fill(entry) }))).rejects.toMatchObject(
      {
        name: 'ValidationException',
        message: expect.stringContaining('between 1 and 10'),
      },
    );
    await expect(client.send(new PutEventsCommand({ Entries: [] }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('describes and lists the rules', async () => {
    const described = await client.send(new DescribeRuleCommand({ Name: 'on-model-created' }));
    expect(described).toMatchObject({
      Name: 'on-model-created',
      Arn: rules[0].arn,
      State: 'ENABLED',
      EventBusName: 'default',
      CreatedBy: ACCOUNT,
    });
    expect(JSON.parse(described.EventPattern ?? '')).toEqual(rules[0].pattern);

    const listed = await client.send(new ListRulesCommand({}));
    expect(listed.Rules?.map((rule) => [rule.Name, rule.State, rule.ScheduleExpression])).toEqual([
      ['on-model-created', 'ENABLED', undefined],
      ['synergy-local-MonitorEventsRuleSchedule1', 'DISABLED', 'rate(1 hour)'],
    ]);
    const page = await client.send(new ListRulesCommand({ Limit: 1 }));
    expect(page.Rules).toHaveLength(1);
    const next = await client.send(new ListRulesCommand({ Limit: 1, NextToken: page.NextToken }));
    expect(next.Rules?.[0].Name).toBe('synergy-local-MonitorEventsRuleSchedule1');
    expect(next.NextToken).toBeUndefined();
    const onOrders = await client.send(
      new ListRulesCommand({ EventBusName: 'orders', NamePrefix: 'orders' }),
    );
    expect(onOrders.Rules?.map((rule) => rule.Arn)).toEqual([rules[1].arn]);

    await expect(client.send(new DescribeRuleCommand({ Name: 'orders-rule' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });
});
