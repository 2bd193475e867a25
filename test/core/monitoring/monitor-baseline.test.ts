/**
 * Baseline artifacts: prep's pair under runs/<runId>/, copied byte for byte next to the version at
 * register, read back as the same baseline; a run from before monitoring copies nothing, and a version
 * without a baseline (or with a broken one) fails with an error that says so.
 */
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../layers/core/errors.ts';
import {
  BaselineFormatError,
  copyBaselineToVersion,
  readVersionBaseline,
  writeRunBaseline,
} from '../../../layers/core/monitoring/baseline-artifacts.ts';
import { toConstraintsJson } from '../../../layers/ml/drift/constraints-json.ts';
import { toStatisticsJson } from '../../../layers/ml/drift/statistics-json.ts';
import { MemoryArtifactStore } from '../../support/memory-ports.ts';
import { BUCKET, trainingBaseline } from './monitor-fixture.ts';

const baseline = trainingBaseline(2000, 3);

function harness() {
  const artifacts = new MemoryArtifactStore();
  return { artifacts, store: { artifacts, bucket: BUCKET } };
}

const bytesAt = (artifacts: MemoryArtifactStore, key: string) =>
  artifacts.objects.get(`s3://${BUCKET}/${key}`)?.bytes;

describe('baseline artifacts', () => {
  it('writes statistics.json and constraints.json under the run', async () => {
    const { artifacts, store } = harness();
    await writeRunBaseline(store, 'run-1', baseline, 'flights');

    const statistics = await artifacts.readJson({ bucket: BUCKET, key: 'runs/run-1/statistics.json' });
    const constraints = await artifacts.readJson({ bucket: BUCKET, key: 'runs/run-1/constraints.json' });
    expect(statistics).toEqual(
      JSON.parse(JSON.stringify(toStatisticsJson(baseline, { datasetName: 'flights' }))),
    );
    expect(constraints).toEqual(JSON.parse(JSON.stringify(toConstraintsJson(baseline))));
  });

  it('copies both to the version byte for byte and reads the same baseline back', async () => {
    const { artifacts, store } = harness();
    await writeRunBaseline(store, 'run-1', baseline, 'flights');

    expect(await copyBaselineToVersion(store, 'run-1', 'flights', 4)).toBe(true);

    for (const file of ['statistics.json', 'constraints.json']) {
      const copied = bytesAt(artifacts, `models/flights/4/${file}`);
      expect(copied).toBeDefined();
      expect(copied).toEqual(bytesAt(artifacts, `runs/run-1/${file}`));
    }
    expect(await readVersionBaseline(store, 'flights', 4)).toEqual(baseline);
  });

  it('copies nothing for a run prepared before monitoring existed', async () => {
    const { artifacts, store } = harness();
    artifacts.put({ bucket: BUCKET, key: 'runs/run-old/model.json' }, '{}');

    expect(await copyBaselineToVersion(store, 'run-old', 'flights', 1)).toBe(false);
    expect([...artifacts.objects.keys()].filter((key) => key.includes('/models/'))).toEqual([]);
  });

  it('says a version without a baseline predates monitoring', async () => {
    const { store } = harness();
    const reading = readVersionBaseline(store, 'flights', 2);
    await expect(reading).rejects.toBeInstanceOf(NotFoundError);
    await expect(reading).rejects.toThrow(/flights v2 has no baseline .*before monitoring/);
  });

  it('names the object of a statistics.json it cannot read', async () => {
    const { artifacts, store } = harness();
    artifacts.put(
      { bucket: BUCKET, key: 'models/flights/3/statistics.json' },
      JSON.stringify({ version: 0 }),
    );
    const reading = readVersionBaseline(store, 'flights', 3);
    await expect(reading).rejects.toBeInstanceOf(BaselineFormatError);
    await expect(reading).rejects.toThrow(`s3://${BUCKET}/models/flights/3/statistics.json`);
  });
});
