import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PowertoolsMetrics } from '../../layers/aws/powertools-metrics.ts';

interface EmfDocument {
  readonly _aws: {
    readonly CloudWatchMetrics: ReadonlyArray<{
      readonly Namespace: string;
      readonly Dimensions: string[][];
      readonly Metrics: ReadonlyArray<{ readonly Name: string; readonly Unit: string }>;
    }>;
  };
  readonly [key: string]: unknown;
}

/** The EMF documents Powertools prints to stdout while `act` runs. */
function emfPrintedBy(act: () => void): EmfDocument[] {
  const lines: string[] = [];
  const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    lines.push(String(chunk));
    return true;
  });
  try {
    act();
  } finally {
    write.mockRestore();
  }
  return lines
    .flatMap((line) => line.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfDocument);
}

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('PowertoolsMetrics', () => {
  it('buffers plain metrics, and emits a metric with dimensions at once with only its own dimensions', () => {
    vi.stubEnv('POWERTOOLS_DEV', '');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const powertools = new Metrics({ namespace: 'Synergy', serviceName: 'train' });
    const metrics = new PowertoolsMetrics(powertools);

    const immediate = emfPrintedBy(() => {
      metrics.add('CellsTrained', 'Count', 3);
      metrics.add('CellFitTime', 'Milliseconds', 125, { model: 'KNN' });
    });
    expect(immediate).toHaveLength(1);
    const [single] = immediate;
    expect(single.CellFitTime).toBe(125);
    expect(single.model).toBe('KNN');
    expect(single._aws.CloudWatchMetrics[0].Namespace).toBe('Synergy');
    expect(single._aws.CloudWatchMetrics[0].Dimensions.flat()).toContain('model');
    expect(single._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: 'CellFitTime', Unit: 'Milliseconds' }]);
    expect(single.CellsTrained).toBeUndefined();

    const flushed = emfPrintedBy(() => powertools.publishStoredMetrics());
    expect(flushed).toHaveLength(1);
    expect(flushed[0].CellsTrained).toBe(3);
    expect(flushed[0].model).toBeUndefined();
    expect(flushed[0]._aws.CloudWatchMetrics[0].Dimensions.flat()).not.toContain('model');
  });

  it('treats an empty dimension map as no dimensions', () => {
    vi.stubEnv('POWERTOOLS_DEV', '');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const powertools = new Metrics({ namespace: 'Synergy', serviceName: 'train' });
    const printed = emfPrintedBy(() => new PowertoolsMetrics(powertools).add('RunsStarted', 'Count', 1, {}));
    expect(printed).toEqual([]);
    expect(emfPrintedBy(() => powertools.publishStoredMetrics())[0].RunsStarted).toBe(1);
  });
});
