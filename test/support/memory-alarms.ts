/**
 * In-memory Alarms (layers/core/ports.ts) for use-case tests, with CloudWatch's PutMetricAlarm semantics:
 * a new alarm starts INSUFFICIENT_DATA, putting an alarm again replaces its definition and keeps its state.
 */
import type {
  AlarmDefinition,
  AlarmStateValue,
  AlarmStatus,
  Alarms,
  Clock,
} from '../../layers/core/ports.ts';
import { FixedClock } from './memory-ports.ts';

export class MemoryAlarms implements Alarms {
  readonly definitions = new Map<string, AlarmDefinition>();
  readonly states = new Map<string, AlarmStatus>();
  /** Every ensure() call in order, to check idempotent puts. */
  readonly puts: AlarmDefinition[] = [];

  constructor(private readonly clock: Clock = new FixedClock()) {}

  async ensure(definition: AlarmDefinition): Promise<void> {
    this.puts.push(definition);
    this.definitions.set(definition.name, definition);
    if (!this.states.has(definition.name)) {
      this.setState(definition.name, 'INSUFFICIENT_DATA', 'Unchecked: Initial alarm creation');
    }
  }

  async describe(names: readonly string[]): Promise<AlarmStatus[]> {
    return names.flatMap((name) => {
      const status = this.states.get(name);
      return status === undefined ? [] : [status];
    });
  }

  /** Test helper: what an evaluation would do. */
  setState(name: string, state: AlarmStateValue, reason: string): void {
    this.states.set(name, { name, state, reason, updatedAt: this.clock.now().toISOString() });
  }
}
