/**
 * The retrain function: a CloudWatch Alarm State Change of a drift alarm to ALARM starts one retraining of
 * its model (none more on redelivery), a Scheduled Event one per model with a champion, and any other event
 * is refused naming the field at fault.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retrainExecutionName } from '../../layers/core/monitoring/retrain.ts';
import {
  FixedClock,
  MemoryExperiments,
  MemoryOrchestrator,
  MemoryRegistry,
} from '../support/memory-ports.ts';
import { lambdaContext } from './lambda-context.ts';
import { stubLambdaEnv } from './lambda-env.ts';
import { memoryDeps } from './memory-deps.ts';

stubLambdaEnv();
vi.stubEnv('ALARM_PREFIX', 'synergy-test-');
const { setDepsForTest } = await import('../../layers/aws/wiring.ts');
const { handler } = await import('../../functions/retrain.ts');

const ALARM_ARN = 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:synergy-test-iris-drift';
const RULE_ARN = 'arn:aws:events:us-east-1:123456789012:rule/synergy-test-retrain-schedule';

/** As CloudWatch sends it through EventBridge (trimmed of nothing the function may read). */
function alarmEvent(state = 'ALARM', timestamp = '2026-03-10T12:05:00.000+0000') {
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: '123456789012',
    time: '2026-03-10T12:05:00Z',
    region: 'us-east-1',
    resources: [ALARM_ARN],
    detail: {
      alarmName: 'synergy-test-iris-drift',
      state: {
        value: state,
        reason:
          'Threshold Crossed: 1 datapoint [0.41 (10/03/26 11:00:00)] was greater than the threshold (0.25).',
        reasonData: '{"version":"1.0","threshold":0.25,"recentDatapoints":[0.41]}',
        timestamp,
      },
      previousState: { value: 'OK', reason: 'ok', timestamp: '2026-03-10T11:05:00.000+0000' },
      configuration: {
        description: 'drift of iris',
        metrics: [
          {
            id: 'm1',
            metricStat: {
              metric: {
                namespace: 'Synergy',
                name: 'MaxPSI',
                dimensions: { service: 'synergy', model: 'iris' },
              },
              period: 3600,
              stat: 'Maximum',
            },
            returnData: true,
          },
        ],
      },
    },
  };
}

const scheduledEvent = () => ({
  version: '0',
  id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
  'detail-type': 'Scheduled Event',
  source: 'aws.events',
  account: '123456789012',
  time: '2026-03-14T00:00:00Z',
  region: 'us-east-1',
  resources: [RULE_ARN],
  detail: {},
});

let orchestrator: MemoryOrchestrator;
let experiments: MemoryExperiments;
let registry: MemoryRegistry;

async function champion(modelName: string): Promise<void> {
  const version = await registry.createVersion({
    modelName,
    algorithm: 'DecisionTree',
    params: {},
    artifact: { uri: `s3://bucket/models/${modelName}/run/model.json`, sha256: 'a'.repeat(64), size: 1 },
    signature: { inputs: [{ name: 'x', type: 'number', optional: false }], target: 'y', classes: ['a', 'b'] },
    metrics: { testAccuracy: 0.9, cvAccuracy: 0.9, cvStd: 0 },
    lineage: {
      runId: `run-${modelName}`,
      trigger: 'upload',
      dataset: { uri: `s3://bucket/incoming/${modelName}/data.csv`, digest: 'd' },
      codeVersion: 'test',
    },
  });
  await registry.moveAlias({
    modelName,
    alias: 'champion',
    version: version.version,
    expectedRevision: undefined,
    reason: 'test',
    actor: 'test',
  });
}

beforeEach(() => {
  const clock = new FixedClock(new Date('2026-03-10T12:05:01.000Z'));
  orchestrator = new MemoryOrchestrator();
  experiments = new MemoryExperiments();
  registry = new MemoryRegistry(clock);
  setDepsForTest({ ...memoryDeps(), experiments, orchestrator, registry, clock });
});

afterEach(() => setDepsForTest(undefined));

const inputOf = (name: string) =>
  JSON.parse(orchestrator.executions.get(name) ?? 'null') as Record<string, unknown>;

describe('retrain on an alarm', () => {
  it('starts one drift retraining of the alarm’s model, and nothing more when the event is redelivered', async () => {
    const name = retrainExecutionName('iris', 'drift', `${ALARM_ARN}\n2026-03-10T12:05:00.000+0000`);
    const first = await handler(alarmEvent(), lambdaContext('retrain'));
    expect(first).toEqual([
      { modelName: 'iris', runId: name, executionArn: expect.stringContaining(name), started: true },
    ]);
    expect(inputOf(name)).toMatchObject({ modelName: 'iris', trigger: { kind: 'drift' } });
    expect(String(inputOf(name).reason)).toContain('synergy-test-iris-drift');
    expect(await experiments.getRun(name)).toMatchObject({ modelName: 'iris', trigger: { kind: 'drift' } });

    const again = await handler(alarmEvent(), lambdaContext('retrain'));
    expect(again).toEqual([expect.objectContaining({ runId: name, started: false })]);
    expect(orchestrator.executions.size).toBe(1);
  });

  it('starts another retraining for the next transition to ALARM', async () => {
    await handler(alarmEvent(), lambdaContext('retrain'));
    await handler(alarmEvent('ALARM', '2026-03-10T15:05:00.000+0000'), lambdaContext('retrain'));
    expect(orchestrator.executions.size).toBe(2);
  });

  it('skips a transition to OK', async () => {
    expect(await handler(alarmEvent('OK'), lambdaContext('retrain'))).toEqual([
      { skipped: expect.stringContaining('OK') },
    ]);
    expect(orchestrator.executions.size).toBe(0);
  });

  it('refuses an alarm event without its state, naming the field', async () => {
    const event = alarmEvent();
    const { state: _, ...detail } = event.detail;
    await expect(handler({ ...event, detail }, lambdaContext('retrain'))).rejects.toMatchObject({
      name: 'InvalidEventError',
      context: { field: 'detail.state' },
    });
  });
});

describe('retrain on schedule', () => {
  it('starts one schedule retraining per model with a champion', async () => {
    await champion('iris');
    await champion('loans');
    const outcomes = await handler(scheduledEvent(), lambdaContext('retrain'));
    expect(
      outcomes.map((outcome) => ('modelName' in outcome ? outcome.modelName : outcome.skipped)).sort(),
    ).toEqual(['iris', 'loans']);
    for (const model of ['iris', 'loans']) {
      const name = retrainExecutionName(model, 'schedule', `${RULE_ARN}\n2026-03-14T00:00:00Z`);
      expect(inputOf(name)).toMatchObject({ modelName: model, trigger: { kind: 'schedule' } });
    }
  });
});

describe('other events', () => {
  it.each([
    ['an empty event', {}],
    ['another detail-type', { ...scheduledEvent(), 'detail-type': 'EC2 Instance State-change Notification' }],
  ])('refuses %s, naming detail-type', async (_, event) => {
    await expect(handler(event, lambdaContext('retrain'))).rejects.toMatchObject({
      name: 'InvalidEventError',
      message: expect.stringMatching(/^retrain: invalid event: detail-type: /),
    });
  });
});
