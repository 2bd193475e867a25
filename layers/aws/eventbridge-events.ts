/**
 * Registry events on EventBridge: source `synergy.registry`, detail-type the event's type, detail the rest
 * of the event as JSON. PutEvents accepts 10 entries per call and reports failures per entry with a 200
 * answer, so a call is only a success when no entry failed. The SDK is imported on first use (sdk.ts).
 */
import type {
  PutEventsCommand,
  PutEventsCommandOutput,
  PutEventsRequestEntry,
} from '@aws-sdk/client-eventbridge';
import { SynergyError } from '../core/errors.ts';
import { REGISTRY_EVENT_SOURCE, type RegistryEvent, type RegistryEvents } from '../core/ports.ts';
import { awsErrorName } from './aws-errors.ts';
import { eventBridgeSdk } from './sdk.ts';

/** The part of EventBridgeClient used here (an EventBridgeClient is one), so tests can pass a `{ send }`. */
export interface EventBridgeSender {
  send(command: PutEventsCommand): Promise<PutEventsCommandOutput>;
}

/** Some registry events did not reach the bus; the message names each with its error code. */
export class RegistryEventsError extends SynergyError {
  constructor(message: string, context: Record<string, unknown> = {}, options?: { cause?: unknown }) {
    super(message, context, options);
    this.name = 'RegistryEventsError';
  }
}

/** PutEvents' limit on entries per call. */
const ENTRIES_PER_CALL = 10;

/** `ModelVersionCreated iris v3` / `AliasMoved iris champion → v3`: an event as a reader names it. */
function label(event: RegistryEvent): string {
  return event.type === 'AliasMoved'
    ? `${event.type} ${event.modelName} ${event.alias} → v${event.version}`
    : `${event.type} ${event.modelName} v${event.version}`;
}

function entryOf(event: RegistryEvent, busName: string): PutEventsRequestEntry {
  const { type, ...detail } = event;
  return {
    Source: REGISTRY_EVENT_SOURCE,
    DetailType: type,
    Detail: JSON.stringify(detail),
    EventBusName: busName,
  };
}

export class EventBridgeRegistryEvents implements RegistryEvents {
  constructor(
    private readonly client: EventBridgeSender,
    private readonly busName: string,
  ) {}

  async publish(events: readonly RegistryEvent[]): Promise<void> {
    if (events.length === 0) return;
    const { PutEventsCommand } = await eventBridgeSdk();
    for (let start = 0; start < events.length; start += ENTRIES_PER_CALL) {
      const batch = events.slice(start, start + ENTRIES_PER_CALL);
      let answer: PutEventsCommandOutput;
      try {
        answer = await this.client.send(
          new PutEventsCommand({ Entries: batch.map((event) => entryOf(event, this.busName)) }),
        );
      } catch (error) {
        const reason = error instanceof Error ? `${awsErrorName(error)}: ${error.message}` : String(error);
        throw new RegistryEventsError(
          `PutEvents on ${this.busName} failed for ${batch.map(label).join(', ')}: ${reason}`,
          { busName: this.busName, events: batch.map(label), awsError: awsErrorName(error) },
          { cause: error },
        );
      }
      if ((answer.FailedEntryCount ?? 0) > 0) this.failed(batch, answer);
    }
  }

  /** Result entries are in request order; a failed one carries ErrorCode and ErrorMessage. */
  private failed(batch: readonly RegistryEvent[], answer: PutEventsCommandOutput): never {
    const results = answer.Entries ?? [];
    const failures = batch.flatMap((event, index) => {
      const result = results[index];
      if (result !== undefined && result.ErrorCode === undefined && result.EventId !== undefined) return [];
      const code = result?.ErrorCode ?? 'Unknown';
      const message = result?.ErrorMessage ?? 'no result entry for this event';
      return [{ event: label(event), errorCode: code, errorMessage: message }];
    });
    const described = failures
      .map((failure) => `${failure.event} (${failure.errorCode}: ${failure.errorMessage})`)
      .join('; ');
    throw new RegistryEventsError(
      `${answer.FailedEntryCount} of ${batch.length} registry events were not put on ${this.busName}: ${described}`,
      { busName: this.busName, failures },
    );
  }
}
