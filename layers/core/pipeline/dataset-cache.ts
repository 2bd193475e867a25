/**
 * The prepared dataset of the run a warm Lambda last worked on. Every cell of a run reads the same
 * object, and a warm container usually gets many of them in a row, so decoding it once saves a download
 * per cell. One entry only: a container serving another run drops the previous dataset rather than hold
 * two (they can be hundreds of MB each). Keys include the run id and a run's dataset never changes, so a
 * cached entry cannot go stale.
 */
import { decodeDataset, type PreparedDataset } from '../../ml/data/dataset-binary.ts';
import type { ArtifactStore, ObjectRef } from '../ports.ts';
import { s3Uri } from './keys.ts';

export class DatasetCache {
  private entry: { readonly uri: string; readonly dataset: Promise<PreparedDataset> } | undefined;

  get(
    artifacts: Pick<ArtifactStore, 'readBytes'>,
    ref: ObjectRef,
    signal?: AbortSignal,
  ): Promise<PreparedDataset> {
    const uri = s3Uri(ref);
    if (this.entry?.uri === uri) return this.entry.dataset;
    // The promise is cached, not the value, so concurrent cells of one container share one download.
    const dataset = artifacts.readBytes(ref, signal).then(decodeDataset);
    this.entry = { uri, dataset };
    dataset.catch(() => {
      // A failed load is not remembered: the next cell tries again.
      if (this.entry?.dataset === dataset) this.entry = undefined;
    });
    return dataset;
  }

  clear(): void {
    this.entry = undefined;
  }
}

/** The cache the train function's warm invocations share. */
export const sharedDatasetCache = new DatasetCache();
