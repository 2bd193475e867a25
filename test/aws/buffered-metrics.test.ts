import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BufferedMetrics } from '../../layers/aws/buffered-metrics.ts';

/** The EMF objects Powertools writes to stdout (its console), parsed. */
function emfLines(spy: ReturnType<typeof vi.spyOn>): Record<string, unknown>[] {
  return spy.mock.calls
    .map((call: unknown[]) => String(call[0]))
    .filter((line: string) => line.includes('"_aws"'))
    .map((line: string) => JSON.parse(line) as Record<string, unknown>);
}

describe('BufferedMetrics', () => {
  let now = 0;
  const clock = { now: () => new Date(now) };
  let spy: ReturnType<typeof vi.spyOn>;

  beforeEach(() => {
    now = 1_000_000;
    vi.stubEnv('POWERTOOLS_METRICS_NAMESPACE', 'SynergyTest');
    vi.stubEnv('POWERTOOLS_SERVICE_NAME', 'synergy');
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_DEV', 'false');
    spy = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    vi.spyOn(console, 'log').mockImplementation((line: unknown) => {
      process.stdout.write(`${String(line)}\n`);
    });
  });

  afterEach(() => {
    vi.restoreAllMocks();
    vi.unstubAllEnvs();
  });

  it('collects values per dimension set and publishes one line per set when the interval has passed', () => {
    const metrics = new BufferedMetrics({ intervalMs: 1000, clock });
    for (let i = 0; i < 10; i++) {
      metrics.add('PredictRequests', 'Count', 1, { model: 'm', alias: 'champion' });
      metrics.add('PredictLatency', 'Milliseconds', i, { alias: 'champion', model: 'm' });
      metrics.add('PredictRequests', 'Count', 1, { model: 'm', alias: 'challenger' });
    }
    now += 999;
    metrics.publishIfDue();
    expect(emfLines(spy)).toEqual([]);
    now += 1;
    metrics.publishIfDue();
    const lines = emfLines(spy);
    expect(lines).toHaveLength(2);
    const champion = lines.find((line) => line.alias === 'champion');
    expect(champion).toMatchObject({ model: 'm', alias: 'champion', service: 'synergy' });
    expect(champion?.PredictRequests).toEqual(Array(10).fill(1));
    expect(champion?.PredictLatency).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(lines.find((line) => line.alias === 'challenger')?.PredictRequests).toEqual(Array(10).fill(1));
  });

  it('publishes nothing twice and starts a new interval after a publish', () => {
    const metrics = new BufferedMetrics({ intervalMs: 1000, clock });
    metrics.add('PredictRequests', 'Count', 1, { model: 'm' });
    metrics.publish();
    expect(emfLines(spy)).toHaveLength(1);
    metrics.add('PredictRequests', 'Count', 1, { model: 'm' });
    now += 500;
    metrics.publishIfDue();
    expect(emfLines(spy)).toHaveLength(1);
  });

  it('bounds the dimension sets it keeps by publishing early', () => {
    const metrics = new BufferedMetrics({ intervalMs: 60_000, clock, maxDimensionSets: 3 });
    for (let i = 0; i < 4; i++) metrics.add('PredictRequests', 'Count', 1, { model: `m${i}` });
    expect(emfLines(spy).map((line) => line.model)).toEqual(['m0', 'm1', 'm2']);
  });
});
