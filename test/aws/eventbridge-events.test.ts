/**
 * EventBridgeRegistryEvents against a fake EventBridge that records PutEvents: source synergy.registry,
 * detail-type the event's type, detail the rest as JSON, the configured bus, batches of 10; entries that
 * failed inside a 200 answer and refused calls reported as RegistryEventsError naming the events.
 */
import type {
  PutEventsCommand,
  PutEventsCommandOutput,
  PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { describe, expect, it } from 'vitest';
import { EventBridgeRegistryEvents, type EventBridgeSender } from '../../layers/aws/eventbridge-events.ts';
import type { RegistryEvent } from '../../layers/core/ports.ts';

/** PutEvents: every entry accepted unless `failEntry` says otherwise for it. */
class FakeEventBridge implements EventBridgeSender {
  readonly calls: PutEventsCommand[] = [];
  failEntry: (detailType: string, index: number) => PutEventsResultEntry | undefined = () => undefined;
  failWith: Error | undefined;

  async send(command: PutEventsCommand): Promise<PutEventsCommandOutput> {
    this.calls.push(command);
    if (this.failWith !== undefined) throw this.failWith;
    const entries = command.input.Entries ?? [];
    if (entries.length > 10) throw new Error('fake: more than 10 entries');
    const results = entries.map(
      (entry, index) => this.failEntry(entry.DetailType ?? '', index) ?? { EventId: `event-${index}` },
    );
    return {
      $metadata: {},
      FailedEntryCount: results.filter((result) => result.ErrorCode !== undefined).length,
      Entries: results,
    };
  }
}

const created = (version: number): RegistryEvent => ({
  type: 'ModelVersionCreated',
  modelName: 'iris',
  version,
  runId: `run-${version}`,
  trigger: 'drift',
  reason: 'max PSI 0.4 > 0.25',
  testAccuracy: 0.93,
  at: '2026-01-02T03:04:05.000Z',
});

const moved: RegistryEvent = {
  type: 'AliasMoved',
  modelName: 'iris',
  alias: 'champion',
  version: 3,
  fromVersion: 2,
  reason: 'promotion gate passed',
  actor: 'run/run-3',
  at: '2026-01-02T03:04:06.000Z',
};

describe('EventBridgeRegistryEvents', () => {
  it('puts each event on the bus with source synergy.registry, its type as detail-type, the rest as detail', async () => {
    const eventBridge = new FakeEventBridge();
    await new EventBridgeRegistryEvents(eventBridge, 'default').publish([created(3), moved]);
    expect(eventBridge.calls).toHaveLength(1);
    expect(eventBridge.calls[0].input).toEqual({
      Entries: [
        {
          Source: 'synergy.registry',
          DetailType: 'ModelVersionCreated',
          Detail: JSON.stringify({
            modelName: 'iris',
            version: 3,
            runId: 'run-3',
            trigger: 'drift',
            reason: 'max PSI 0.4 > 0.25',
            testAccuracy: 0.93,
            at: '2026-01-02T03:04:05.000Z',
          }),
          EventBusName: 'default',
        },
        {
          Source: 'synergy.registry',
          DetailType: 'AliasMoved',
          Detail: JSON.stringify({
            modelName: 'iris',
            alias: 'champion',
            version: 3,
            fromVersion: 2,
            reason: 'promotion gate passed',
            actor: 'run/run-3',
            at: '2026-01-02T03:04:06.000Z',
          }),
          EventBusName: 'default',
        },
      ],
    });
  });

  it('sends at most 10 entries per call, in order', async () => {
    const eventBridge = new FakeEventBridge();
    const events = Array.from({ length: 23 }, (_, index) => created(index + 1));
    await new EventBridgeRegistryEvents(eventBridge, 'synergy-bus').publish(events);
    const batches = eventBridge.calls.map((call) => call.input.Entries ?? []);
    expect(batches.map((entries) => entries.length)).toEqual([10, 10, 3]);
    const versions = batches
      .flat()
      .map((entry) => (JSON.parse(entry.Detail ?? '{}') as { version: number }).version);
    expect(versions).toEqual(events.map((event) => event.version));
    expect(new Set(batches.flat().map((entry) => entry.EventBusName))).toEqual(new Set(['synergy-bus']));
  });

  it('calls nothing for no events', async () => {
    const eventBridge = new FakeEventBridge();
    await new EventBridgeRegistryEvents(eventBridge, 'default').publish([]);
    expect(eventBridge.calls).toEqual([]);
  });

  it('names the entries that failed with their error code and message', async () => {
    const eventBridge = new FakeEventBridge();
    eventBridge.failEntry = (detailType) =>
      detailType === 'AliasMoved'
        ? { ErrorCode: 'InternalFailure', ErrorMessage: 'Internal service error' }
        : undefined;
    const publishing = new EventBridgeRegistryEvents(eventBridge, 'default').publish([created(3), moved]);
    await expect(publishing).rejects.toMatchObject({
      name: 'RegistryEventsError',
      message:
        '1 of 2 registry events were not put on default: AliasMoved iris champion → v3 (InternalFailure: Internal service error)',
      context: {
        busName: 'default',
        failures: [
          {
            event: 'AliasMoved iris champion → v3',
            errorCode: 'InternalFailure',
            errorMessage: 'Internal service error',
          },
        ],
      },
    });
  });

  it('stops at the first batch with a failed entry', async () => {
    const eventBridge = new FakeEventBridge();
    eventBridge.failEntry = (_, index) =>
      index === 4 ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : undefined;
    const events = Array.from({ length: 15 }, (_, index) => created(index + 1));
    await expect(new EventBridgeRegistryEvents(eventBridge, 'default').publish(events)).rejects.toThrow(
      '1 of 10 registry events were not put on default: ModelVersionCreated iris v5 (ThrottlingException: Rate exceeded)',
    );
    expect(eventBridge.calls).toHaveLength(1);
  });

  it('reports a refused call as RegistryEventsError naming the events, keeping the cause', async () => {
    const eventBridge = new FakeEventBridge();
    const denied = Object.assign(new Error('not authorized to perform events:PutEvents'), {
      name: 'AccessDeniedException',
    });
    eventBridge.failWith = denied;
    await expect(
      new EventBridgeRegistryEvents(eventBridge, 'default').publish([moved]),
    ).rejects.toMatchObject({
      name: 'RegistryEventsError',
      message:
        'PutEvents on default failed for AliasMoved iris champion → v3: AccessDeniedException: not authorized to perform events:PutEvents',
      context: { awsError: 'AccessDeniedException', events: ['AliasMoved iris champion → v3'] },
      cause: denied,
    });
  });
});

describe('the registry events of register and promote (wiring.ts)', () => {
  it('are wired when the function is given EVENT_BUS_NAME (the SDK loaded on the first publish)', async () => {
    const { pipelineDeps } = await import('../../layers/aws/wiring.ts');
    const events = pipelineDeps({ EVENT_BUS_NAME: 'default' }).events;
    expect(events).toBeDefined();
    await expect(events?.publish([])).resolves.toBeUndefined();
  });

  it('are a deployment error naming EVENT_BUS_NAME when the function was not given it', async () => {
    const { pipelineDeps } = await import('../../layers/aws/wiring.ts');
    expect(() => pipelineDeps({ RUNS_TABLE: 'runs' }).events).toThrow(
      expect.objectContaining({
        name: 'EnvConfigError',
        message: 'Environment variable EVENT_BUS_NAME is not configured for this function',
      }),
    );
  });
});
