/**
 * The model page's HTML: one mark per datapoint, alias holding and feature, the thresholds drawn, hostile
 * names escaped everywhere, empty states that say what is missing, a self-contained document, and
 * writeModelPage putting it at reports/models/<model>/index.html.
 */
import { describe, expect, it } from 'vitest';
import {
  collectModelPage,
  type ModelPageData,
} from '../../../layers/core/reports/model-page/model-page-data.ts';
import { modelPageKey } from '../../../layers/core/reports/model-page/model-page-keys.ts';
import { renderModelPage } from '../../../layers/core/reports/model-page/render-model-page.ts';
import { writeModelPage } from '../../../layers/core/reports/model-page/write-model-page.ts';
import { BUCKET, generatedModel } from './model-page-fixture.ts';

const count = (html: string, pattern: RegExp) => (html.match(pattern) ?? []).length;

/** The SVG (or timeline div) whose data-chart is `chart`. */
function chartOf(html: string, chart: string): string {
  const start = html.indexOf(`data-chart="${chart}"`);
  if (start < 0) return '';
  const end = html.indexOf(chart === 'aliases' ? '<div class="axis"' : '</svg>', start);
  return html.slice(start, end);
}

describe('renderModelPage', () => {
  it('draws a point per period, a bar per alias holding and a small multiple per feature', async () => {
    const world = await generatedModel();
    const data = await collectModelPage(world.deps, world.modelName);
    const html = renderModelPage(data);

    expect(count(chartOf(html, 'live-accuracy'), /data-point=""/g)).toBe(data.liveAccuracy.length);
    expect(count(chartOf(html, 'max-psi'), /data-point=""/g)).toBe(data.maxPsi.length);
    expect(count(chartOf(html, 'aliases'), /data-span=""/g)).toBe(data.history.spans.length);
    expect(count(html, /data-chart="feature-psi-\d+"/g)).toBe(data.features.length);
    data.features.forEach((feature, i) => {
      expect(count(chartOf(html, `feature-psi-${i}`), /data-point=""/g)).toBe(feature.points.length);
    });
    // The thresholds: the floor on the accuracy chart, the drift threshold on max PSI and every multiple.
    expect(chartOf(html, 'live-accuracy')).toContain('data-threshold="0.7"');
    expect(chartOf(html, 'max-psi')).toContain('data-threshold="0.25"');
    expect(count(html, /data-threshold="0.25"/g)).toBe(1 + data.features.length);
    // Breaching points are the ones beyond the thresholds.
    const breaching = data.maxPsi.filter((p) => p.value > 0.25).length;
    expect(count(chartOf(html, 'max-psi'), /class="point breach/g)).toBe(breaching);
    // The quiet hours break the max-PSI line into two pieces.
    const path = /<path class="line" data-series="max-psi" d="([^"]+)"/.exec(html)?.[1] ?? '';
    expect(count(path, /M/g)).toBe(2);
    // The rollback and the hand promotion are marked on their bars; the moves table lists every move.
    expect(count(html, /data-how="rollback"/g)).toBe(1);
    expect(count(html, /data-how="manual"/g)).toBe(1);
    expect(html).toContain(`${data.history.moves.length} alias moves`);
    // Alarms, versions and links to the run reports.
    expect(html).toMatch(/data-alarm="synergy-test-construction-delays-drift" data-state="ALARM"/);
    for (const v of data.versions) expect(html).toContain(`href="../../${v.runId}/index.html"`);
    // Self-contained: no script, no external resource.
    expect(html).not.toMatch(/<script|<link |src="http|url\(http/i);
  });

  it('escapes everything that came from data', async () => {
    const world = await generatedModel();
    const data = await collectModelPage(world.deps, world.modelName);
    const evil = '<img src=x onerror="alert(1)">';
    const hostile: ModelPageData = {
      ...data,
      modelName: `<script>alert("m")</script>`,
      versions: data.versions.map((v) => ({ ...v, algorithm: evil, reason: evil, runId: `${evil}/../x` })),
      history: {
        ...data.history,
        moves: data.history.moves.map((m) => ({ ...m, actor: evil, reason: evil })),
        spans: data.history.spans.map((s) => ({ ...s, actor: evil, reason: evil })),
        routing: data.history.routing.map((r) => ({ ...r, routing: evil, actor: evil })),
        notes: [evil],
      },
      alarms: data.alarms.map((a) => ({ ...a, name: evil, reason: evil })),
      features: data.features.map((f, i) => ({ ...f, name: `${evil}${i}` })),
      featureSource: { kind: 'drift-report', uri: evil },
    };
    const html = renderModelPage(hostile);
    expect(html).not.toContain('<script>alert');
    expect(html).not.toContain('<img');
    expect(html).not.toMatch(/onerror="/);
    expect(html).toContain('&lt;script&gt;alert(&quot;m&quot;)&lt;/script&gt;');
    expect(count(html, /&lt;img src=x onerror=&quot;alert\(1\)&quot;&gt;/g)).toBeGreaterThan(20);
  });

  it('renders empty states when nothing has been measured or moved', async () => {
    const world = await generatedModel();
    const data = await collectModelPage(world.deps, world.modelName);
    const empty: ModelPageData = {
      ...data,
      liveAccuracy: [],
      maxPsi: [],
      features: data.features.map((f) => ({ ...f, points: [] })),
      history: { moves: [], spans: [], routing: [], notes: [] },
      alarms: data.alarms.map(({ name, signal, metric, threshold }) => ({ name, signal, metric, threshold })),
    };
    const html = renderModelPage(empty);
    expect(count(html, /data-point=/g)).toBe(0);
    expect(html).toMatch(/data-empty="accuracy">No metrics yet: no LiveAccuracy datapoint/);
    expect(html).toMatch(/data-empty="max-psi">No metrics yet: no MaxPSI datapoint/);
    expect(html).toMatch(/data-empty="features">No metrics yet: no FeaturePSI datapoint/);
    expect(html).toMatch(/data-empty="aliases">No alias has been moved yet/);
    expect(count(html, /data-state="MISSING"/g)).toBe(2);
    expect(
      renderModelPage({ ...empty, features: [], featureSource: { kind: 'none', reason: 'no baseline' } }),
    ).toMatch(/data-empty="features">No features to chart: no baseline/);
  });

  it('writes the page to reports/models/<model>/index.html', async () => {
    const world = await generatedModel();
    const ref = await writeModelPage(world.deps, world.modelName);
    expect(ref).toEqual({ bucket: BUCKET, key: `reports/models/${world.modelName}/index.html` });
    expect(modelPageKey('m')).toBe('reports/models/m/index.html');
    const html = new TextDecoder().decode(await world.artifacts.readBytes(ref));
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).toContain(`<h1>Model: ${world.modelName}</h1>`);
  });
});
