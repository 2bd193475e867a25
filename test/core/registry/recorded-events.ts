/** A RegistryEvents port that keeps what was published, for assertions. */
import type { RegistryEvent, RegistryEvents } from '../../../layers/core/ports.ts';

export class RecordedEvents implements RegistryEvents {
  readonly published: RegistryEvent[] = [];
  /** publish calls (each a PutEvents batch on AWS). */
  batches = 0;

  async publish(events: readonly RegistryEvent[]): Promise<void> {
    this.batches++;
    this.published.push(...events);
  }
}
