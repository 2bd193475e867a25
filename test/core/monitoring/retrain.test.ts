import { describe, expect, it } from 'vitest';
import { ConflictError } from '../../../layers/core/errors.ts';
import {
  type AlarmStateChange,
  alarmStateChangeSchema,
  type ScheduledEvent,
  scheduledEventSchema,
} from '../../../layers/core/monitoring/alarm-event.ts';
import {
  type RetrainDeps,
  RetrainError,
  retrainExecutionName,
  retrainModel,
  retrainOnAlarm,
  retrainOnSchedule,
} from '../../../layers/core/monitoring/retrain.ts';
import { trainingRequestSchema } from '../../../layers/core/pipeline/messages.ts';
import type { NewModelVersion } from '../../../layers/core/pipeline/records.ts';
import {
  FixedClock,
  MemoryExperiments,
  MemoryOrchestrator,
  MemoryRegistry,
} from '../../support/memory-ports.ts';

const PREFIX = 'synergy-local-';
const ACCOUNT = '123456789012';

function world() {
  const clock = new FixedClock(new Date('2026-01-01T00:06:00.000Z'));
  const experiments = new MemoryExperiments();
  const orchestrator = new MemoryOrchestrator();
  const registry = new MemoryRegistry(clock);
  const deps: RetrainDeps = { experiments, orchestrator, registry, clock };
  return { deps, clock, experiments, orchestrator, registry };
}

interface AlarmSpec {
  readonly name?: string;
  readonly value?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';
  readonly metric?: string;
  readonly dimensions?: Record<string, string>;
  readonly timestamp?: string;
  readonly reasonData?: string;
}

/** A CloudWatch Alarm State Change event as EventBridge delivers it (shape from the AWS documentation). */
function alarmEvent(spec: AlarmSpec = {}): unknown {
  const name = spec.name ?? `${PREFIX}m-drift`;
  return {
    version: '0',
    id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
    'detail-type': 'CloudWatch Alarm State Change',
    source: 'aws.cloudwatch',
    account: ACCOUNT,
    time: '2026-01-01T00:05:01Z',
    region: 'us-east-1',
    resources: [`arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:${name}`],
    detail: {
      alarmName: name,
      state: {
        value: spec.value ?? 'ALARM',
        reason:
          'Threshold Crossed: 1 out of the last 1 datapoints [0.41 (01/01/26 00:00:00)] was greater than the threshold (0.25).',
        reasonData:
          spec.reasonData ??
          '{"version":"1.0","queryDate":"2026-01-01T00:05:00.985+0000","statistic":"Maximum","period":3600,"recentDatapoints":[0.41],"threshold":0.25,"evaluatedDatapoints":[{"timestamp":"2026-01-01T00:00:00.000+0000","sampleCount":1.0,"value":0.41}]}',
        timestamp: spec.timestamp ?? '2026-01-01T00:05:00.985+0000',
      },
      previousState: {
        value: 'OK',
        reason: 'Threshold Crossed: no datapoints were received for 1 period.',
        timestamp: '2025-12-31T23:05:00.985+0000',
      },
      configuration: {
        description: 'Synergy: input drift of m',
        metrics: [
          {
            id: '7a1d2d3b-1b4e-4f40-a0d6-54a0d7b4e1a4',
            metricStat: {
              metric: {
                namespace: 'Synergy',
                name: spec.metric ?? 'MaxPSI',
                dimensions: spec.dimensions ?? { service: 'synergy', model: 'm' },
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

const alarm = (spec: AlarmSpec = {}): AlarmStateChange => alarmStateChangeSchema.parse(alarmEvent(spec));

function scheduled(time = '2026-01-04T03:00:00Z'): ScheduledEvent {
  return scheduledEventSchema.parse({
    version: '0',
    id: '89d1a02d-5ec7-412e-82f5-13505f849b41',
    'detail-type': 'Scheduled Event',
    source: 'aws.events',
    account: ACCOUNT,
    time,
    region: 'us-east-1',
    resources: [`arn:aws:events:us-east-1:${ACCOUNT}:rule/synergy-local-retrain-schedule`],
    detail: {},
  });
}

const inputOf = (orchestrator: MemoryOrchestrator, name: string): unknown =>
  JSON.parse(orchestrator.executions.get(name) ?? 'null');

async function register(registry: MemoryRegistry, modelName: string, champion: boolean): Promise<void> {
  const version: NewModelVersion = {
    modelName,
    algorithm: 'LogisticRegression',
    params: {},
    artifact: { uri: `s3://b/models/${modelName}/r/model.json`, sha256: 'a'.repeat(64), size: 1 },
    signature: { inputs: [], target: 'y', classes: ['a', 'b'] },
    metrics: { testAccuracy: 0.9, cvAccuracy: 0.9, cvStd: 0 },
    lineage: {
      runId: 'r',
      trigger: 'upload',
      dataset: { uri: 's3://b/d.csv', digest: 'd' },
      codeVersion: 't',
    },
  };
  const { version: number } = await registry.createVersion(version);
  if (champion) {
    await registry.moveAlias({
      modelName,
      alias: 'champion',
      version: number,
      expectedRevision: undefined,
      reason: 'test',
      actor: 'test',
    });
  }
}

describe('retrainOnAlarm', () => {
  it('starts one drift retraining with a reason built from the event, and a PENDING run', async () => {
    const { deps, orchestrator, experiments } = world();
    const [outcome] = await retrainOnAlarm(deps, alarm(), PREFIX);
    if (!('runId' in outcome)) throw new Error(`skipped: ${outcome.skipped}`);
    expect(outcome.runId).toMatch(/^m-drift-[0-9a-f]{16}$/);
    expect(outcome).toMatchObject({ modelName: 'm', started: true });
    expect(outcome.executionArn).toContain(outcome.runId);
    const input = inputOf(orchestrator, outcome.runId);
    expect(trainingRequestSchema.parse(input)).toEqual(input);
    expect(input).toEqual({
      modelName: 'm',
      trigger: { kind: 'drift' },
      reason: `drift: alarm ${PREFIX}m-drift went to ALARM at 2026-01-01T00:05:00.985+0000 (MaxPSI 0.41 > 0.25)`,
    });
    expect(await experiments.getRun(outcome.runId)).toMatchObject({
      modelName: 'm',
      status: 'PENDING',
      stage: 'queued',
      trigger: { kind: 'drift' },
      executionArn: outcome.executionArn,
    });
  });

  it('starts one execution however often the same transition is delivered, a new one for the next', async () => {
    const { deps, orchestrator, clock } = world();
    const [first] = await retrainOnAlarm(deps, alarm(), PREFIX);
    clock.advance(90_000);
    const [again] = await retrainOnAlarm(deps, alarm(), PREFIX);
    expect(again).toEqual({ ...first, started: false });
    expect(orchestrator.executions.size).toBe(1);

    const [next] = await retrainOnAlarm(deps, alarm({ timestamp: '2026-01-02T00:05:00.123+0000' }), PREFIX);
    expect(next).toMatchObject({ started: true });
    expect(orchestrator.executions.size).toBe(2);
  });

  it('keeps going when prep has already taken the run over (redelivery after the start)', async () => {
    const { deps, experiments } = world();
    const [first] = await retrainOnAlarm(deps, alarm(), PREFIX);
    if (!('runId' in first)) throw new Error('skipped');
    await experiments.updateRun(first.runId, { status: 'RUNNING', stage: 'prep' });
    const [again] = await retrainOnAlarm(deps, alarm(), PREFIX);
    expect(again).toMatchObject({ runId: first.runId, started: false });
    expect((await experiments.getRun(first.runId))?.status).toBe('RUNNING');
  });

  it('reads an accuracy alarm, and the model from the alarm name when the metric has no model dimension', async () => {
    const { deps, orchestrator } = world();
    const [outcome] = await retrainOnAlarm(
      deps,
      alarm({
        name: `${PREFIX}flights-eu-accuracy`,
        metric: 'LiveAccuracy',
        dimensions: { service: 'synergy' },
        reasonData: '{"threshold":0.7,"recentDatapoints":[0.55]}',
      }),
      PREFIX,
    );
    if (!('runId' in outcome)) throw new Error(`skipped: ${outcome.skipped}`);
    expect(outcome.runId).toMatch(/^flights-eu-accuracy-[0-9a-f]{16}$/);
    expect(inputOf(orchestrator, outcome.runId)).toEqual({
      modelName: 'flights-eu',
      trigger: { kind: 'accuracy' },
      reason: `accuracy: alarm ${PREFIX}flights-eu-accuracy went to ALARM at 2026-01-01T00:05:00.985+0000 (LiveAccuracy 0.55 < 0.7)`,
    });
  });

  it('falls back to the state’s reason text when reasonData has no threshold', async () => {
    const { deps, orchestrator } = world();
    const [outcome] = await retrainOnAlarm(deps, alarm({ reasonData: 'not json' }), PREFIX);
    if (!('runId' in outcome)) throw new Error('skipped');
    const input = inputOf(orchestrator, outcome.runId) as { reason: string };
    expect(input.reason).toBe(
      `drift: alarm ${PREFIX}m-drift went to ALARM at 2026-01-01T00:05:00.985+0000: Threshold Crossed: 1 out of the last 1 datapoints [0.41 (01/01/26 00:00:00)] was greater than the threshold (0.25).`,
    );
  });

  it('skips OK and INSUFFICIENT_DATA transitions, foreign alarms and unknown metrics', async () => {
    const { deps, orchestrator, experiments } = world();
    const skipped = [
      alarm({ value: 'OK' }),
      alarm({ value: 'INSUFFICIENT_DATA' }),
      alarm({ name: 'billing-too-high' }),
      alarm({ name: 'synergy-prod-m-drift' }),
      alarm({ metric: 'CPUUtilization' }),
      alarm({ dimensions: {}, name: `${PREFIX}m-latency` }),
    ];
    for (const event of skipped) {
      const outcomes = await retrainOnAlarm(deps, event, PREFIX);
      expect(outcomes).toEqual([{ skipped: expect.any(String) }]);
    }
    expect(orchestrator.executions.size).toBe(0);
    expect(await experiments.listRuns()).toEqual([]);
  });
});

describe('the EventBridge envelopes', () => {
  it('parses an alarm state change and refuses other events', () => {
    const parsed = alarm();
    expect(parsed.detail.state.value).toBe('ALARM');
    expect(parsed.detail.configuration?.metrics[0].metricStat?.metric.dimensions).toEqual({
      service: 'synergy',
      model: 'm',
    });
    expect(alarmStateChangeSchema.safeParse(scheduled()).success).toBe(false);
    expect(scheduledEventSchema.safeParse(alarmEvent()).success).toBe(false);
    const noState = alarmEvent() as { detail: Record<string, unknown> };
    delete noState.detail.state;
    expect(alarmStateChangeSchema.safeParse(noState).success).toBe(false);
  });

  it('accepts a metric-math alarm entry (no metricStat), which retraining then skips', async () => {
    const event = alarmEvent() as { detail: { configuration: { metrics: unknown[] } } };
    event.detail.configuration.metrics = [{ id: 'e1', expression: 'm1 * 2', label: 'doubled' }];
    const parsed = alarmStateChangeSchema.parse(event);
    expect(await retrainOnAlarm(world().deps, parsed, PREFIX)).toEqual([{ skipped: expect.any(String) }]);
  });
});

describe('retrainOnSchedule', () => {
  it('retrains every model with a champion, once per tick', async () => {
    const { deps, registry, orchestrator } = world();
    await register(registry, 'alpha', true);
    await register(registry, 'beta', false);
    await register(registry, 'gamma', true);
    const outcomes = await retrainOnSchedule(deps, scheduled());
    expect(outcomes.map((o) => ('modelName' in o ? [o.modelName, o.started] : o))).toEqual([
      ['alpha', true],
      ['gamma', true],
    ]);
    const [alpha] = outcomes;
    if (!('runId' in alpha)) throw new Error('skipped');
    expect(alpha.runId).toMatch(/^alpha-schedule-[0-9a-f]{16}$/);
    expect(inputOf(orchestrator, alpha.runId)).toEqual({
      modelName: 'alpha',
      trigger: { kind: 'schedule' },
      reason: 'schedule: rule synergy-local-retrain-schedule fired at 2026-01-04T03:00:00Z',
    });

    const again = await retrainOnSchedule(deps, scheduled());
    expect(again.map((o) => 'started' in o && o.started)).toEqual([false, false]);
    expect(orchestrator.executions.size).toBe(2);
    await retrainOnSchedule(deps, scheduled('2026-01-11T03:00:00Z'));
    expect(orchestrator.executions.size).toBe(4);
  });

  it('starts the other models when one fails, then reports the failure', async () => {
    const { deps, registry, orchestrator } = world();
    await register(registry, 'alpha', true);
    await register(registry, 'gamma', true);
    const failing = {
      async startTraining(name: string, input: unknown) {
        if (name.startsWith('alpha-')) throw new ConflictError('throttled', { name });
        return orchestrator.startTraining(name, input);
      },
    };
    const error = await retrainOnSchedule({ ...deps, orchestrator: failing }, scheduled()).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(RetrainError);
    expect((error as Error).message).toContain('1 of 2 model(s): alpha: throttled');
    expect([...orchestrator.executions.keys()]).toEqual([expect.stringMatching(/^gamma-schedule-/)]);
  });
});

describe('retrainModel', () => {
  it('names executions within Step Functions’ limits, distinct for models sharing a long prefix', () => {
    const long = 'a'.repeat(60);
    const one = retrainExecutionName(`${long}-one`, 'schedule', 'tick');
    const two = retrainExecutionName(`${long}-two`, 'schedule', 'tick');
    expect(one).not.toBe(two);
    expect(one.length).toBeLessThanOrEqual(80);
    expect(one).toMatch(/^a{40}-schedule-[0-9a-f]{16}$/);
    expect(retrainExecutionName('my model/v2', 'manual', 'k')).toMatch(/^my-model-v2-manual-[0-9a-f]{16}$/);
  });

  it('a manual retraining with the same key is one execution', async () => {
    const { deps, orchestrator } = world();
    const request = {
      modelName: 'm',
      kind: 'manual' as const,
      reason: 'manual: new labels',
      idempotencyKey: 'k1',
    };
    const first = await retrainModel(deps, request);
    const second = await retrainModel(deps, request);
    expect(second).toEqual({ ...first, started: false });
    expect(orchestrator.executions.size).toBe(1);
    await retrainModel(deps, { ...request, idempotencyKey: 'k2' });
    expect(orchestrator.executions.size).toBe(2);
  });
});
