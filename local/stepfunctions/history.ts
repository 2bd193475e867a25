/**
 * Execution history in AWS's GetExecutionHistory shapes. Events are stored with epoch-millisecond
 * timestamps (JSON-safe, persisted with the execution) and numbered in order. The translator maps
 * aws-local-stepfunctions' event log onto AWS's event types; Lambda and Map Run events come from this
 * folder's task handlers, which see the invocations.
 */
import type { HistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { JsonValue } from './json.ts';
import type { LibraryEvent } from './library.ts';

export type StoredHistoryEvent = Omit<HistoryEvent, 'timestamp' | 'id' | 'previousEventId' | 'type'> & {
  id: number;
  previousEventId: number;
  timestamp: number;
  type: HistoryEventType;
};

export type HistoryEventBody = Omit<StoredHistoryEvent, 'id' | 'previousEventId' | 'timestamp'>;

export interface HistorySink {
  record(event: HistoryEventBody): void;
}

/** Child executions of a Distributed Map keep no history here (AWS keeps one per child). */
export const DISCARDED_HISTORY: HistorySink = { record: () => {} };

export const NOT_TRUNCATED = { truncated: false } as const;

export function toJsonText(value: JsonValue | undefined): string {
  return JSON.stringify(value ?? null);
}

export class HistoryLog implements HistorySink {
  constructor(
    private readonly events: StoredHistoryEvent[],
    private readonly onChange: () => void,
  ) {}

  record(body: HistoryEventBody): void {
    const id = this.events.length + 1;
    this.events.push({ ...body, id, previousEventId: id - 1, timestamp: Date.now() });
    this.onChange();
  }
}

export function toHistoryEvent(stored: StoredHistoryEvent): HistoryEvent {
  return { ...stored, timestamp: new Date(stored.timestamp) };
}

export interface TopLevelStateListener {
  entered(name: string, type: string, input: JsonValue): void;
  left(name: string): void;
}

type StateTypeName = 'Task' | 'Map' | 'Parallel' | 'Pass' | 'Wait' | 'Choice' | 'Succeed' | 'Fail';

/** Maps one execution's library events to history events, and reports which top-level state is open. */
export class LibraryEventTranslator {
  private readonly failedStates = new Set<string>();
  private openParallel: string | undefined;

  constructor(
    private readonly sink: HistorySink,
    private readonly distributedMapNames: ReadonlySet<string>,
    private readonly hiddenStates: ReadonlySet<string>,
    private readonly topLevel?: TopLevelStateListener,
  ) {}

  translate(event: LibraryEvent): void {
    switch (event.type) {
      case 'StateEntered':
      case 'StateExited':
      case 'StateFailed':
      case 'StateRetried':
        this.stateEvent(event);
        return;
      case 'MapIterationStarted':
      case 'MapIterationSucceeded':
      case 'MapIterationFailed': {
        const details = { name: event.parentState.name, index: event.index };
        if (event.type === 'MapIterationStarted')
          this.sink.record({ type: 'MapIterationStarted', mapIterationStartedEventDetails: details });
        if (event.type === 'MapIterationSucceeded')
          this.sink.record({ type: 'MapIterationSucceeded', mapIterationSucceededEventDetails: details });
        if (event.type === 'MapIterationFailed')
          this.sink.record({ type: 'MapIterationFailed', mapIterationFailedEventDetails: details });
        return;
      }
      default:
        // Execution* events are recorded by the engine from the run's outcome; Caught and branch events
        // have no AWS counterpart.
        return;
    }
  }

  private stateEvent(event: Extract<LibraryEvent, { state: unknown }>): void {
    const { name } = event.state;
    if (this.hiddenStates.has(name)) return;
    const type = this.typeOf(name, event.state.type);
    const key = `${name}#${event.index ?? ''}`;
    const topLevel =
      event.index === undefined && (this.openParallel === undefined || this.openParallel === name);
    if (event.type === 'StateEntered') {
      this.sink.record({
        type: `${type}StateEntered` as HistoryEventType,
        stateEnteredEventDetails: {
          name,
          input: toJsonText(event.state.input as JsonValue),
          inputDetails: NOT_TRUNCATED,
        },
      });
      if (topLevel) {
        if (type === 'Parallel') this.openParallel = name;
        this.topLevel?.entered(name, type, event.state.input as JsonValue);
      }
      return;
    }
    if (event.type === 'StateRetried') {
      this.failedStates.delete(key);
      return;
    }
    if (event.type === 'StateFailed') {
      if (type === 'Map' || type === 'Parallel') this.sink.record({ type: `${type}StateFailed` });
      this.failedStates.add(key);
      return;
    }
    if ((type === 'Map' || type === 'Parallel') && !this.failedStates.has(key)) {
      this.sink.record({ type: `${type}StateSucceeded` });
    }
    this.failedStates.delete(key);
    this.sink.record({
      type: `${type}StateExited` as HistoryEventType,
      stateExitedEventDetails: {
        name,
        output: toJsonText(event.state.output as JsonValue),
        outputDetails: NOT_TRUNCATED,
      },
    });
    if (topLevel) {
      if (this.openParallel === name) this.openParallel = undefined;
      this.topLevel?.left(name);
    }
  }

  private typeOf(name: string, libraryType: string): StateTypeName {
    return (this.distributedMapNames.has(name) ? 'Map' : libraryType) as StateTypeName;
  }
}
