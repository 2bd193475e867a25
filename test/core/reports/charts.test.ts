import { describe, expect, it } from 'vitest';
import { barChart } from '../../../layers/core/reports/charts/bar-chart.ts';
import { CONFIGURATIONS_SHOWN, cvSpreadChart } from '../../../layers/core/reports/charts/cv-spread.ts';
import { heatColor, heatmap } from '../../../layers/core/reports/charts/heatmap.ts';
import { importancesChart } from '../../../layers/core/reports/charts/importances.ts';
import { escapeHtml, truncate } from '../../../layers/core/reports/html.ts';
import type { ConfigurationSpread, ModelSpread } from '../../../layers/core/reports/run-report-data.ts';

const HOSTILE = ['<script>alert(1)</script>', `"&'`, '</svg><img src=x onerror=alert(2)>'];

/** The markup of one chart, found by its data-chart value. */
function chart(html: string, name: string): string {
  const match = new RegExp(`<svg[^>]*data-chart="${name}"[\\s\\S]*?</svg>`).exec(html);
  if (!match) throw new Error(`no chart ${name}`);
  return match[0];
}

const count = (html: string, attribute: string): number =>
  (html.match(new RegExp(`\\s${attribute}="`, 'g')) ?? []).length;

/** No hostile text reaches the markup unescaped, and each is there escaped. */
function expectEscaped(svg: string, texts: readonly string[]): void {
  for (const text of texts) {
    expect(svg).not.toContain(text);
    expect(svg).toContain(escapeHtml(text).slice(0, 12));
  }
  expect(svg).not.toMatch(/<script|<img/i);
}

describe('escapeHtml and truncate', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });

  it('cuts in the middle so labels sharing a prefix stay distinct, and says so', () => {
    expect(truncate('short', 10)).toEqual({ text: 'short', cut: false });
    const a = truncate('a_long_shared_column_name=alpha', 12);
    const b = truncate('a_long_shared_column_name=omega', 12);
    expect(a.cut).toBe(true);
    expect([...a.text]).toHaveLength(12);
    expect(a.text).not.toBe(b.text);
  });
});

describe('barChart', () => {
  const bars = [0.9, 0.5, -0.1].map((value, i) => ({
    label: `${HOSTILE[i]} ${'long '.repeat(i * 6)}`,
    value,
    valueText: String(value),
    tooltip: `${HOSTILE[i]}: ${value}`,
  }));
  const svg = barChart({ chart: 'test', title: 'T <b>', description: 'D', bars, tickFormat: String });

  it('draws one data-bar per value, accessible and responsive', () => {
    expect(count(svg, 'data-bar')).toBe(3);
    expect(svg).toMatch(/^<svg[^>]*role="img"[^>]*viewBox="0 0 \d+ [\d.]+"[^>]*width="100%"/);
    expect(svg).toContain('<title id="chart-test-title">T &lt;b&gt;</title>');
  });

  it('escapes labels and tooltips, and cuts long labels with the whole text in a tooltip', () => {
    expectEscaped(svg, HOSTILE);
    const cuts = [...svg.matchAll(/<text[^>]*><title>([^<]*)<\/title>([^<]*)<\/text>/g)];
    const long = cuts.find((c) => c[1].includes('long long'));
    expect(long?.[2]).toContain('…');
    expect(long?.[2].length).toBeLessThan(long?.[1].length ?? 0);
  });

  it('draws a negative value to the left of zero', () => {
    const rects = [
      ...svg.matchAll(/<rect class="bar"[^>]*data-value="([^"]+)" x="([^"]+)" y="[^"]+" width="([^"]+)"/g),
    ];
    const negative = rects.find((r) => r[1] === '-0.1');
    const positive = rects.find((r) => r[1] === '0.9');
    if (!negative || !positive) throw new Error('bars not found');
    // The negative bar ends where the positive one starts: at zero.
    expect(Number(negative[2]) + Number(negative[3])).toBeCloseTo(Number(positive[2]), 1);
  });
});

describe('heatmap', () => {
  it('draws classes² cells holding the counts, shaded by row share, with escaped class names', () => {
    const classes = HOSTILE;
    const matrix = [
      [5, 1, 0],
      [2, 7, 1],
      [0, 0, 9],
    ];
    const svg = heatmap({ classes, matrix });
    expect(count(svg, 'data-cell')).toBe(9);
    const cells = [...svg.matchAll(/data-actual="(\d)" data-predicted="(\d)" data-count="(\d+)"/g)];
    expect(cells.map((c) => Number(c[3]))).toEqual(matrix.flat());
    expect(svg).toContain(`fill="${heatColor(7 / 10)}"`);
    expect(svg).toContain(`fill="${heatColor(9 / 9)}"`);
    expectEscaped(svg, HOSTILE);
  });
});

describe('importancesChart', () => {
  it('draws every feature once, largest first, names escaped', () => {
    const importances = HOSTILE.map((feature, i) => ({ feature, importance: [0.1, 0.5, 0][i] }));
    const svg = chart(importancesChart(importances, 'native'), 'importances');
    expect(count(svg, 'data-bar')).toBe(3);
    const values = [...svg.matchAll(/data-bar="" data-label="[^"]*" data-value="([^"]+)"/g)].map((m) =>
      Number(m[1]),
    );
    expect(values).toEqual([0.5, 0.1, 0]);
    expectEscaped(svg, HOSTILE);
  });
});

describe('cvSpreadChart', () => {
  function config(
    configIndex: number,
    scores: readonly (number | null)[],
    chosen = false,
  ): ConfigurationSpread {
    const present = scores.filter((s): s is number => s !== null);
    const mean = present.reduce((a, b) => a + b, 0) / present.length;
    return {
      model: 'KNN',
      paramsKey: `n_neighbors=${configIndex}`,
      params: { n_neighbors: configIndex, weights: HOSTILE[configIndex % 3] },
      configIndex,
      folds: scores.map((score, fold) => ({
        fold,
        score,
        fitMs: 1,
        status: score === null ? 'stopped' : 'done',
      })),
      mean,
      std: 0,
      min: Math.min(...present),
      max: Math.max(...present),
      stopped: present.length < scores.length,
      chosen,
    };
  }

  it('draws the best configurations by mean, always the chosen one, one dot per scored fold', () => {
    // Twelve configurations; the chosen one has the lowest mean (as after a tie rule or early stop elsewhere).
    const configurations = Array.from({ length: 12 }, (_, i) =>
      config(i, [0.8 + i * 0.01, 0.81 + i * 0.01, null]),
    );
    configurations[0] = config(0, [0.5, 0.52, 0.51], true);
    const spread: ModelSpread = { model: 'KNN', configurations };
    const svg = cvSpreadChart([spread]);
    expect(count(svg, 'data-config')).toBe(CONFIGURATIONS_SHOWN);
    expect(svg).toMatch(/class="config chosen"/);
    // Seven stopped configurations with two scored folds each, and the chosen one with three.
    expect(count(svg, 'data-fold')).toBe(7 * 2 + 3);
    expect(svg).toContain(`best ${CONFIGURATIONS_SHOWN} of 12`);
    expectEscaped(svg, HOSTILE.slice(0, 2));
  });
});
