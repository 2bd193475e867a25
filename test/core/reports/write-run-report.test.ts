import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../layers/core/errors.ts';
import type { ObjectRef, WriteOptions } from '../../../layers/core/ports.ts';
import { ReportInputError } from '../../../layers/core/reports/read-report-inputs.ts';
import { reportKey } from '../../../layers/core/reports/report-keys.ts';
import { writeRunReport } from '../../../layers/core/reports/write-run-report.ts';
import {
  FixedClock,
  MemoryArtifactStore,
  MemoryExperiments,
  MemoryRegistry,
} from '../../support/memory-ports.ts';
import { BUCKET } from '../pipeline/pipeline-fixture.ts';
import { MEMORY_MB, penguinsCsv, realRun, reportHtml } from './report-fixture.ts';

/** The markup of one chart, found by its data-chart value. */
function chart(html: string, name: string): string {
  const match = new RegExp(`<svg[^>]*data-chart="${name}"[\\s\\S]*?</svg>`).exec(html);
  if (!match) throw new Error(`no chart ${name}`);
  return match[0];
}

const count = (html: string, attribute: string): number =>
  (html.match(new RegExp(`\\s${attribute}="`, 'g')) ?? []).length;

class RecordingStore extends MemoryArtifactStore {
  readonly writes: { ref: ObjectRef; options: WriteOptions | undefined }[] = [];
  override async write(
    ref: ObjectRef,
    body: Uint8Array | string | AsyncIterable<Uint8Array>,
    options?: WriteOptions,
  ) {
    this.writes.push({ ref, options });
    return super.write(ref, body, options);
  }
}

describe('writeRunReport', () => {
  it('writes a self-contained page to reports/<runId>/index.html as text/html with every chart', async () => {
    const run = await realRun();
    const store = new RecordingStore();
    for (const [uri, object] of run.world.artifacts.objects) store.objects.set(uri, object);
    const ref = await writeRunReport({ ...run.reportDeps, artifacts: store }, run.runId);
    expect(ref).toEqual({ bucket: BUCKET, key: reportKey(run.runId) });
    expect(store.writes).toEqual([{ ref, options: { contentType: 'text/html; charset=utf-8' } }]);

    const html = reportHtml(run);
    const evaluation = (await run.world.artifacts.readJson({
      bucket: BUCKET,
      key: `runs/${run.runId}/evaluation.json`,
    })) as { classes: unknown[]; featureNames: string[]; leaderboard: unknown[] };
    expect(count(chart(html, 'accuracy'), 'data-bar')).toBe(evaluation.leaderboard.length);
    expect(count(chart(html, 'confusion'), 'data-cell')).toBe(evaluation.classes.length ** 2);
    expect(count(chart(html, 'importances'), 'data-bar')).toBe(evaluation.featureNames.length);
    expect(count(chart(html, 'cv-spread'), 'data-config')).toBeGreaterThan(0);
    // Offline and script-free: nothing is fetched, nothing runs.
    expect(html).not.toMatch(/<script|<link|<img|https?:\/\/(?!www\.w3\.org\/2000\/svg)/i);
    expect(html).toMatch(/This is an estimate, not a bill/);
  });

  it('escapes hostile column names that went through the whole pipeline', async () => {
    const hostile = '<script>alert("x")</script>';
    const quotes = `"&' beak`;
    const run = await realRun({ csv: penguinsCsv({ Island: hostile, 'Beak Length (mm)': quotes }) });
    const html = reportHtml(run);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain(quotes);
    expect(html).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;');
    expect(html).toContain('&quot;&amp;&#39; beak');
    // One-hot features of the hostile column still get one bar each.
    const features = (await run.world.artifacts.readJson({
      bucket: BUCKET,
      key: `runs/${run.runId}/evaluation.json`,
    })) as { featureNames: string[] };
    expect(features.featureNames.filter((f) => f.startsWith(hostile)).length).toBeGreaterThan(1);
    expect(count(chart(html, 'importances'), 'data-bar')).toBe(features.featureNames.length);
  });

  function failedWorld() {
    const artifacts = new MemoryArtifactStore();
    const experiments = new MemoryExperiments();
    const clock = new FixedClock();
    experiments.runs.set('run-failed', {
      runId: 'run-failed',
      modelName: 'penguins',
      status: 'FAILED',
      trigger: { kind: 'manual' },
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-01-01T00:00:05.000Z',
      startedAt: '2026-01-01T00:00:00.000Z',
      finishedAt: '2026-01-01T00:00:05.000Z',
      timings: { prep: 1200 },
      error: { name: 'DataError', message: 'row 3, column <b>"x"</b>: not a number' },
    });
    const deps = {
      artifacts,
      experiments,
      registry: new MemoryRegistry(clock),
      clock,
      bucket: BUCKET,
      memoryMb: MEMORY_MB,
    };
    return { artifacts, deps };
  }

  it('renders a failed run as a short page with its error, escaped, and no charts it has no data for', async () => {
    const { artifacts, deps } = failedWorld();
    const ref = await writeRunReport(deps, 'run-failed');
    const html = new TextDecoder().decode(await artifacts.readBytes(ref));
    expect(html).toContain('DataError');
    expect(html).toContain('row 3, column &lt;b&gt;&quot;x&quot;&lt;/b&gt;: not a number');
    expect(html).toContain('the run failed before Evaluate');
    expect(html).not.toContain('data-chart="accuracy"');
    expect(html).not.toContain('data-chart="confusion"');
    expect(count(chart(html, 'stages'), 'data-bar')).toBe(1);
  });

  it('refuses an unknown run and a leaderboard that is not one, naming the field', async () => {
    const { artifacts, deps } = failedWorld();
    await expect(writeRunReport(deps, 'nope')).rejects.toBeInstanceOf(NotFoundError);
    artifacts.put(
      { bucket: BUCKET, key: 'runs/run-failed/leaderboard.json' },
      JSON.stringify([{ model: 'KNN' }]),
    );
    await expect(writeRunReport(deps, 'run-failed')).rejects.toThrow(ReportInputError);
    await expect(writeRunReport(deps, 'run-failed')).rejects.toThrow(/leaderboard\.json: 0\.params/);
  });
});
