/**
 * A model's page as one self-contained HTML document (inline CSS and SVG, no script, no external
 * resource), in the run report's look: the aliases over time, the versions, the alarms now, live accuracy
 * against its floor, max PSI against its threshold and PSI per feature as small multiples on a shared
 * scale. Every value that came from data is escaped; a chart with no data says what would fill it.
 */
import { niceTicks } from '../charts/svg.ts';
import { breakable, escapeHtml, fixed } from '../html.ts';
import type { AliasMove, AliasMoveKind } from './alias-history.ts';
import { aliasTimeline } from './charts/alias-timeline.ts';
import { isBreach, type LinePoint, lineChart, type Threshold } from './charts/line-chart.ts';
import { instantLabel } from './charts/time-axis.ts';
import type { AlarmRow, ModelPageData, TimePoint } from './model-page-data.ts';
import { MODEL_PAGE_CSS } from './styles.ts';

const e = escapeHtml;
/** Table cells: the page's header says times are UTC. */
const when = (iso: string) => instantLabel(iso, '');

function table(
  head: readonly string[],
  rows: readonly string[][],
  numeric: ReadonlySet<number>,
  wrap = new Set<number>(),
): string {
  const th = head
    .map((h, j) => `<th scope="col"${numeric.has(j) ? ' class="num"' : ''}>${e(h)}</th>`)
    .join('');
  const body = rows
    .map((cells) => {
      const tds = cells
        .map((cell, j) => {
          const cls = numeric.has(j) ? 'num' : wrap.has(j) ? 'wrap' : '';
          return `<td${cls ? ` class="${cls}"` : ''}>${cell}</td>`;
        })
        .join('');
      return `<tr>${tds}</tr>`;
    })
    .join('');
  return `<div class="table-wrap"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

const toLine = (points: readonly TimePoint[]): LinePoint[] =>
  points.map((p) => ({ t: Date.parse(p.at), value: p.value }));

function duration(seconds: number): string {
  if (seconds % 86_400 === 0) return `${seconds / 86_400} d`;
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

function card(key: string, value: string): string {
  return `<div class="card"><div class="k">${e(key)}</div><div class="v">${value}</div></div>`;
}

function aliasCard(data: ModelPageData, version: number | undefined): string {
  if (version === undefined) return '—';
  const row = data.versions.find((v) => v.version === version);
  return row === undefined
    ? `v${version}`
    : `v${version} <span class="muted">· ${breakable(row.algorithm)} · ${fixed(row.testAccuracy, 3)}</span>`;
}

function latest(points: readonly TimePoint[]): TimePoint | undefined {
  return points.at(-1);
}

function header(data: ModelPageData): string {
  const accuracy = latest(data.liveAccuracy);
  const psi = latest(data.maxPsi);
  const inAlarm = data.alarms.filter((a) => a.state === 'ALARM').length;
  const alarmText =
    inAlarm > 0
      ? `<span class="badge ALARM">${inAlarm} in ALARM</span>`
      : data.alarms.every((a) => a.state === undefined)
        ? '<span class="muted">not created yet</span>'
        : '<span class="badge OK">none firing</span>';
  const cards = [
    card('Champion', aliasCard(data, data.champion)),
    card('Challenger', aliasCard(data, data.challenger)),
    card('Versions', String(data.versions.length)),
    card(
      'Live accuracy (latest)',
      accuracy === undefined
        ? '—'
        : `<span class="${accuracy.value < data.thresholds.accuracyFloor ? 'warn' : ''}">${fixed(accuracy.value, 3)}</span>`,
    ),
    card(
      'Max PSI (latest)',
      psi === undefined
        ? '—'
        : `<span class="${psi.value > data.thresholds.driftPsi ? 'warn' : ''}">${fixed(psi.value, 3)}</span>`,
    ),
    card('Alarms', alarmText),
  ].join('');
  return (
    `<header><h1>Model: ${e(data.modelName)}</h1>` +
    `<p class="muted">Generated ${e(instantLabel(data.generatedAt))} · metrics from ${e(instantLabel(data.range.from))}, one point per ${e(duration(data.range.periodSeconds))} · times in UTC</p>` +
    `<div class="cards">${cards}</div></header>`
  );
}

function alarmState(alarm: AlarmRow): string {
  if (alarm.state === undefined) return '<span class="badge MISSING">not created</span>';
  return `<span class="badge ${e(alarm.state)}">${e(alarm.state)}</span>`;
}

function alarmsSection(data: ModelPageData): string {
  // Cards, not a table: on a phone the state must show next to the name, not behind a sideways scroll.
  const cards = data.alarms.map((alarm) => {
    const rule =
      alarm.signal === 'drift'
        ? `${e(alarm.metric)} (max per period) &gt; ${fixed(alarm.threshold, 2)}`
        : `${e(alarm.metric)} (min per period) &lt; ${fixed(alarm.threshold, 2)}`;
    const detail =
      alarm.state === undefined
        ? `<p class="muted">${alarm.signal === 'drift' ? 'The monitor creates it on its first run.' : 'The monitor or the first feedback upload creates it.'}</p>`
        : `<p class="muted">Since ${e(when(alarm.updatedAt ?? ''))}: ${e(alarm.reason ?? '')}</p>`;
    return (
      `<div class="alarm" data-alarm="${e(alarm.name)}" data-state="${e(alarm.state ?? 'MISSING')}">` +
      `<div class="alarm-head"><code>${e(alarm.name)}</code>${alarmState(alarm)}</div>` +
      `<p>Fires when ${rule}</p>${detail}</div>`
    );
  });
  return (
    `<section aria-labelledby="s-alarms"><h2 id="s-alarms">Alarms now</h2>` +
    `<div class="alarms">${cards.join('')}</div>` +
    `<p class="note">Either alarm going to ALARM starts a retraining of the model.</p></section>`
  );
}

const HOW_TEXT: Readonly<Record<AliasMoveKind, string>> = {
  pipeline: 'pipeline',
  manual: '✎ by hand',
  rollback: '↺ rollback',
  unrecorded: '? unrecorded',
};

function moveRow(move: AliasMove): string[] {
  return [
    e(when(move.at)),
    e(move.alias),
    `${move.fromVersion === undefined ? '—' : `v${move.fromVersion}`} → <strong>v${move.version}</strong>`,
    `<span class="how-${move.kind}">${e(HOW_TEXT[move.kind])}</span>`,
    `<code>${e(move.actor)}</code>`,
    e(move.reason),
  ];
}

function aliasesSection(data: ModelPageData): string {
  const { history } = data;
  const notes = history.notes.map((note) => `<p class="note warn">${e(note)}</p>`).join('');
  const timeline =
    history.spans.length === 0
      ? '<div class="empty" data-empty="aliases">No alias has been moved yet: the first run registers the challenger and promotes the champion.</div>'
      : aliasTimeline(history.spans, data.generatedAt) +
        `<ul class="legend"><li>Bars: the version an alias pointed at, coloured by version</li><li>↺ striped: a rollback</li><li>✎ yellow edge: promoted by hand</li></ul>`;
  const moves = [...history.moves].reverse().map(moveRow);
  const movesTable =
    moves.length === 0
      ? ''
      : `<details open><summary>${moves.length} alias move${moves.length === 1 ? '' : 's'}, newest first</summary>` +
        table(['When', 'Alias', 'Move', 'How', 'By', 'Reason'], moves, new Set(), new Set([5])) +
        '</details>';
  const routing = history.routing.length
    ? `<details><summary>${history.routing.length} routing change${history.routing.length === 1 ? '' : 's'}</summary>` +
      table(
        ['When', 'By', 'Routing'],
        [...history.routing]
          .reverse()
          .map((r) => [e(when(r.at)), `<code>${e(r.actor)}</code>`, e(r.routing)]),
        new Set(),
        new Set([2]),
      ) +
      '</details>'
    : '';
  return (
    `<section aria-labelledby="s-aliases"><h2 id="s-aliases">Champion and challenger over time</h2>` +
    `${timeline}${notes}${movesTable}${routing}</section>`
  );
}

/** The run report sits at reports/<runId>/index.html, two levels above this page. */
function runLink(runId: string): string {
  return `<a href="../../${e(encodeURIComponent(runId))}/index.html"><code>${e(runId)}</code></a>`;
}

function versionsSection(data: ModelPageData): string {
  const rows = data.versions.map((v) => [
    `<strong>v${v.version}</strong>${v.aliases.map((a) => ` <span class="badge alias">${e(a)}</span>`).join('')}`,
    e(when(v.createdAt)),
    e(v.algorithm),
    fixed(v.testAccuracy, 3),
    `${fixed(v.cvAccuracy, 3)} ± ${fixed(v.cvStd, 3)}`,
    runLink(v.runId),
    `${e(v.trigger)}${v.reason === undefined ? '' : `<br><span class="muted">${e(v.reason)}</span>`}`,
  ]);
  return (
    `<section aria-labelledby="s-versions"><h2 id="s-versions">Versions</h2>` +
    table(
      ['Version', 'Registered', 'Algorithm', 'Test acc', 'CV acc ± std', 'Run', 'Trigger'],
      rows,
      new Set([3, 4]),
      // Run ids and reasons are long: they wrap, so the table fits a desktop width without scrolling.
      new Set([5, 6]),
    ) +
    `<p class="note">Test accuracy on the run's held-out split. Each run links to its report.</p></section>`
  );
}

/** Ticks from 0 (or lo) up to at least `hi`, and the top they reach. */
function scale(lo: number, hi: number): { top: number; ticks: number[] } {
  const ticks = niceTicks(lo, hi, 4);
  const step = ticks.length > 1 ? ticks[1] - ticks[0] : hi - lo || 1;
  let top = ticks.at(-1) ?? hi;
  while (top < hi - 1e-12) {
    top = Number((top + step).toPrecision(12));
    ticks.push(top);
  }
  return { top, ticks };
}

interface TimeFrame {
  readonly time: readonly [number, number];
  readonly periodMs: number;
}

function timeFrame(data: ModelPageData): TimeFrame | undefined {
  const all = [data.liveAccuracy, data.maxPsi, ...data.features.map((f) => f.points)].flat();
  if (all.length === 0) return undefined;
  const periodMs = data.range.periodSeconds * 1000;
  const first = Math.min(...all.map((p) => Date.parse(p.at)));
  const last = Math.max(...all.map((p) => Date.parse(p.at)));
  return { time: [first - periodMs / 2, Math.max(Date.parse(data.range.to), last + periodMs)], periodMs };
}

function emptyMetric(key: string, metric: string, data: ModelPageData, why: string): string {
  return `<div class="empty" data-empty="${e(key)}">No metrics yet: no ${e(metric)} datapoint since ${e(instantLabel(data.range.from))}. ${why}</div>`;
}

function accuracyFigure(data: ModelPageData, frame: TimeFrame | undefined): string {
  const floor = data.thresholds.accuracyFloor;
  if (frame === undefined || data.liveAccuracy.length === 0) {
    return emptyMetric(
      'accuracy',
      'LiveAccuracy',
      data,
      `Live accuracy is measured when ground truth arrives: upload labels to <code>feedback/${e(data.modelName)}/&lt;file&gt;.csv</code>.`,
    );
  }
  const values = data.liveAccuracy.map((p) => p.value);
  const lo = Math.max(0, Math.floor((Math.min(floor, ...values) - 0.05) * 10) / 10);
  const { ticks } = scale(lo, 1);
  const threshold: Threshold = { value: floor, label: `floor ${fixed(floor, 2)}`, breach: 'below' };
  const breaches = data.liveAccuracy.filter((p) => isBreach(p.value, threshold)).length;
  const svg = lineChart({
    chart: 'live-accuracy',
    series: 'live-accuracy',
    title: `Live accuracy of ${data.modelName} over time`,
    description: `${values.length} periods: the lowest LiveAccuracy in each (what the accuracy alarm compares), the floor ${fixed(floor, 2)} as a dashed line; ${breaches} below it. Latest ${fixed(values.at(-1) ?? Number.NaN, 3)}.`,
    width: 380,
    height: 200,
    time: frame.time,
    y: [lo, 1],
    yTicks: ticks,
    yFormat: (v) => v.toFixed(2),
    points: toLine(data.liveAccuracy),
    periodMs: frame.periodMs,
    threshold,
    valueName: 'LiveAccuracy (min)',
    valueFormat: (v) => fixed(v, 3),
  });
  return `<figure class="line-chart">${svg}<figcaption>Lowest live accuracy per period; red dots fall below the alarm's floor (${fixed(floor, 2)}).</figcaption></figure>`;
}

function psiTop(data: ModelPageData): number {
  const values = [data.maxPsi, ...data.features.map((f) => f.points)].flat().map((p) => p.value);
  return Math.max(data.thresholds.driftPsi * 1.6, ...values);
}

function maxPsiFigure(data: ModelPageData, frame: TimeFrame | undefined): string {
  const threshold: Threshold = {
    value: data.thresholds.driftPsi,
    label: `threshold ${fixed(data.thresholds.driftPsi, 2)}`,
    breach: 'above',
  };
  if (frame === undefined || data.maxPsi.length === 0) {
    return emptyMetric(
      'max-psi',
      'MaxPSI',
      data,
      'The monitor emits it each time it compares captured traffic with the champion’s baseline (<code>synergy monitor</code>, or its schedule).',
    );
  }
  const { top, ticks } = scale(0, psiTop(data));
  const breaches = data.maxPsi.filter((p) => isBreach(p.value, threshold)).length;
  const svg = lineChart({
    chart: 'max-psi',
    series: 'max-psi',
    title: `Max PSI of ${data.modelName}'s features over time`,
    description: `${data.maxPsi.length} periods: the highest PSI over the features in each (what the drift alarm compares), the threshold ${fixed(threshold.value, 2)} as a dashed line; ${breaches} above it.`,
    width: 380,
    height: 200,
    time: frame.time,
    y: [0, top],
    yTicks: ticks,
    yFormat: (v) => String(Number(v.toFixed(3))),
    points: toLine(data.maxPsi),
    periodMs: frame.periodMs,
    threshold,
    valueName: 'MaxPSI (max)',
    valueFormat: (v) => fixed(v, 3),
  });
  return `<figure class="line-chart">${svg}<figcaption>Highest PSI over the features per period; red dots are above the drift threshold (${fixed(threshold.value, 2)}).</figcaption></figure>`;
}

function featuresFigure(data: ModelPageData, frame: TimeFrame | undefined): string {
  const source = data.featureSource;
  if (data.features.length === 0) {
    return `<div class="empty" data-empty="features">No features to chart: ${e(source.kind === 'none' ? source.reason : 'the baseline lists none')}.</div>`;
  }
  if (frame === undefined || data.features.every((f) => f.points.length === 0)) {
    return emptyMetric(
      'features',
      'FeaturePSI',
      data,
      'The monitor emits one per feature each time it runs.',
    );
  }
  const threshold: Threshold = { value: data.thresholds.driftPsi, label: '', breach: 'above' };
  const { top, ticks } = scale(0, psiTop(data));
  const shownTicks = [0, ticks.at(-1) ?? top];
  // What drifts now first; features without data last, in the baseline's order.
  const order = data.features
    .map((feature, index) => ({
      feature,
      index,
      last: feature.points.at(-1)?.value ?? Number.NEGATIVE_INFINITY,
    }))
    .sort((a, b) => b.last - a.last || a.index - b.index);
  const figures = order.map(({ feature, index, last }) => {
    const drifting = isBreach(last, threshold);
    const value = Number.isFinite(last) ? `${fixed(last, 3)}` : 'no data';
    const caption = `<figcaption><span class="fname" title="${e(feature.name)}">${e(feature.name)}</span><span class="fval">${e(value)}</span></figcaption>`;
    if (feature.points.length === 0) {
      return `<figure data-feature="${e(feature.name)}">${caption}<div class="empty">no datapoints</div></figure>`;
    }
    const svg = lineChart({
      chart: `feature-psi-${index}`,
      series: 'feature-psi',
      title: `PSI of ${feature.name} over time`,
      description: `${feature.points.length} periods of FeaturePSI (max per period) for ${feature.name}; latest ${fixed(last, 3)}, drift threshold ${fixed(threshold.value, 2)}.`,
      width: 200,
      height: 96,
      time: frame.time,
      y: [0, top],
      yTicks: shownTicks,
      yFormat: (v) => String(Number(v.toFixed(2))),
      points: toLine(feature.points),
      periodMs: frame.periodMs,
      threshold,
      valueName: `PSI of ${feature.name}`,
      valueFormat: (v) => fixed(v, 3),
      compact: true,
    });
    return `<figure class="${drifting ? 'drifting' : ''}" data-feature="${e(feature.name)}">${caption}${svg}</figure>`;
  });
  const from =
    source.kind === 'baseline'
      ? `the features of v${source.version}'s baseline`
      : source.kind === 'drift-report'
        ? `the features of the latest drift report (${e(source.uri)})`
        : 'the features';
  return (
    `<div class="multiples">${figures.join('')}</div>` +
    `<p class="note">PSI per feature (max per period) on one shared scale, ${from}; the dashed line is the drift threshold. Sorted by the latest value: what drifts now comes first.</p>`
  );
}

function monitoringSection(data: ModelPageData): string {
  const frame = timeFrame(data);
  return (
    `<section aria-labelledby="s-monitoring"><h2 id="s-monitoring">Live accuracy and drift</h2>` +
    `<div class="grid two"><div><h3>Live accuracy</h3>${accuracyFigure(data, frame)}</div>` +
    `<div><h3>Max PSI</h3>${maxPsiFigure(data, frame)}</div></div>` +
    `<h3>PSI per feature</h3>${featuresFigure(data, frame)}</section>`
  );
}

export function renderModelPage(data: ModelPageData): string {
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${e(`Model: ${data.modelName}`)}</title><style>${MODEL_PAGE_CSS}</style></head><body><main>` +
    header(data) +
    aliasesSection(data) +
    monitoringSection(data) +
    alarmsSection(data) +
    versionsSection(data) +
    `<footer>Generated ${e(data.generatedAt)} by Synergy from the registry, its audit trail and CloudWatch (namespace metrics LiveAccuracy, MaxPSI, FeaturePSI). Self-contained page: no scripts, no external resources.</footer>` +
    `</main></body></html>\n`
  );
}
