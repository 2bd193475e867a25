/**
 * A run's report as one self-contained HTML page: inline CSS and SVG, no script, no external resource,
 * readable offline and on a phone. Every value that came from data is escaped (html.ts). A run that did
 * not get to Evaluate (failed, or still running) gets the sections it has data for and says why the
 * others are missing.
 */
import { barChart } from './charts/bar-chart.ts';
import { cvSpreadChart } from './charts/cv-spread.ts';
import { heatmap } from './charts/heatmap.ts';
import { importancesChart } from './charts/importances.ts';
import type { DataQuality } from './data-quality.ts';
import { breakable, describeParams, dollars, duration, escapeHtml, fixed } from './html.ts';
import type { RunReportData } from './run-report-data.ts';
import { REPORT_CSS } from './styles.ts';

const e = escapeHtml;

function table(
  head: readonly string[],
  rows: readonly string[][],
  numeric: ReadonlySet<number>,
  rowClass?: (i: number) => string,
): string {
  const th = head
    .map((h, j) => `<th scope="col"${numeric.has(j) ? ' class="num"' : ''}>${e(h)}</th>`)
    .join('');
  const body = rows
    .map((cells, i) => {
      const cls = rowClass?.(i) ?? '';
      const tds = cells.map((cell, j) => `<td${numeric.has(j) ? ' class="num"' : ''}>${cell}</td>`).join('');
      return `<tr${cls ? ` class="${cls}"` : ''}>${tds}</tr>`;
    })
    .join('');
  return `<div class="table-wrap"><table><thead><tr>${th}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** A possibly long cell value: cut on screen, whole in the tooltip. */
function cut(text: string): string {
  return `<span class="cut" title="${e(text)}">${e(text)}</span>`;
}

function facts(pairs: readonly (readonly [string, string | undefined])[]): string {
  const items = pairs
    .filter((p): p is readonly [string, string] => p[1] !== undefined)
    .map(([k, v]) => `<dt>${e(k)}</dt><dd>${v}</dd>`)
    .join('');
  return `<dl class="facts">${items}</dl>`;
}

function runDuration(data: RunReportData): number | undefined {
  if (data.startedAt === undefined || data.finishedAt === undefined) return undefined;
  return Date.parse(data.finishedAt) - Date.parse(data.startedAt);
}

/** `v3 · champion` when promoted, `v3 · not promoted` otherwise. */
function versionCard(data: RunReportData): string {
  const { modelVersion, promoted } = data.lineage;
  if (modelVersion === undefined) return '—';
  if (promoted === undefined) return `v${modelVersion}`;
  return `v${modelVersion} <span class="muted">· ${promoted ? 'champion' : 'not promoted'}</span>`;
}

function header(data: RunReportData): string {
  const best = data.best;
  const took = runDuration(data);
  const cards: [string, string][] = [
    ['Status', `<span class="badge ${e(data.status)}">${e(data.status)}</span>`],
    ['Best model', best ? breakable(best.model) : '—'],
    ['Test accuracy', best ? fixed(best.testAccuracy, 4) : '—'],
    ['Model version', versionCard(data)],
    ['Duration', took === undefined ? '—' : duration(took)],
    ['Est. AWS cost', dollars(data.cost.totalDollars)],
  ];
  const cardHtml = cards
    .map(([k, v]) => `<div class="card"><div class="k">${e(k)}</div><div class="v">${v}</div></div>`)
    .join('');
  const error = data.error
    ? `<div class="error" role="alert"><strong>${e(data.error.name)}</strong>${data.error.state ? ` in ${e(data.error.state)}` : ''}: ${e(data.error.message)}</div>`
    : '';
  return (
    `<header><h1>Run report: ${e(data.modelName)}</h1>` +
    `<p class="muted">Run <code>${e(data.runId)}</code> · created ${e(data.createdAt)}${data.finishedAt ? ` · finished ${e(data.finishedAt)}` : ''}</p>` +
    `${error}<div class="cards">${cardHtml}</div></header>`
  );
}

function leaderboardSection(data: RunReportData): string {
  if (data.leaderboard.length === 0) {
    return `<section aria-labelledby="s-leaderboard"><h2 id="s-leaderboard">Leaderboard</h2><p class="note">No leaderboard: the run ${data.status === 'FAILED' ? 'failed' : 'stopped'} before Evaluate.</p></section>`;
  }
  const rows = data.leaderboard.map((r) => [
    String(r.rank),
    `${e(r.model)}${r.best ? ' ★' : ''}`,
    fixed(r.testAccuracy, 4),
    fixed(r.cvAccuracy, 4),
    fixed(r.cvStd, 4),
    String(r.configurations),
    duration(r.fitSeconds * 1000),
    cut(describeParams(r.params)),
  ]);
  const chart = barChart({
    chart: 'accuracy',
    title: 'Test accuracy per model',
    description: `${data.leaderboard.length} models: test-split accuracy as bars (the best highlighted), cross-validation mean ± std as a whisker.`,
    bars: data.leaderboard.map((r) => ({
      label: r.model,
      value: r.testAccuracy,
      valueText: fixed(r.testAccuracy, 3),
      tooltip: `${r.model}: test ${fixed(r.testAccuracy, 4)}, CV ${fixed(r.cvAccuracy, 4)} ± ${fixed(r.cvStd, 4)}`,
      highlight: r.best,
      ...(Number.isFinite(r.cvAccuracy)
        ? {
            whisker: {
              low: Math.max(0, r.cvAccuracy - (Number.isFinite(r.cvStd) ? r.cvStd : 0)),
              mid: r.cvAccuracy,
              high: Math.min(1, r.cvAccuracy + (Number.isFinite(r.cvStd) ? r.cvStd : 0)),
            },
          }
        : {}),
    })),
    domain: [0, 1],
    tickFormat: (v) => v.toFixed(2),
  });
  return (
    `<section aria-labelledby="s-leaderboard"><h2 id="s-leaderboard">Leaderboard</h2><div class="grid two">` +
    `<div>${table(['#', 'Model', 'Test acc', 'CV acc', 'CV std', 'Configs', 'Fit time', 'Best params'], rows, new Set([0, 2, 3, 4, 5, 6]), (i) => (data.leaderboard[i].best ? 'best' : ''))}` +
    `<p class="note">★ best test accuracy (ties go to the earlier model in the paper's order). Fit time: all of the model's CV cells plus its refit.</p></div>` +
    `<figure>${chart}<figcaption>Bars: test accuracy. Whiskers: CV mean ± std of the chosen configuration.</figcaption></figure>` +
    `</div></section>`
  );
}

function bestSection(data: RunReportData): string {
  const best = data.best;
  if (!best) return '';
  const report = best.report;
  const rows = report.classes.map((c) => [
    cut(c.label),
    fixed(c.precision, 3),
    fixed(c.recall, 3),
    fixed(c.f1, 3),
    String(c.support),
  ]);
  const support = report.classes.reduce((sum, c) => sum + c.support, 0);
  rows.push(
    [report.everyClassSeen ? 'accuracy' : 'micro avg', '', '', fixed(report.accuracy, 3), String(support)],
    [
      'macro avg',
      fixed(report.macroAvg.precision, 3),
      fixed(report.macroAvg.recall, 3),
      fixed(report.macroAvg.f1, 3),
      String(support),
    ],
    [
      'weighted avg',
      fixed(report.weightedAvg.precision, 3),
      fixed(report.weightedAvg.recall, 3),
      fixed(report.weightedAvg.f1, 3),
      String(support),
    ],
  );
  return (
    `<section aria-labelledby="s-best"><h2 id="s-best">Best model: ${breakable(best.model)}</h2>` +
    `<p>Parameters: <code>${e(describeParams(best.params))}</code> · test accuracy <strong>${fixed(best.testAccuracy, 4)}</strong></p>` +
    `<div class="grid two"><figure>${heatmap({ classes: best.classes, matrix: best.confusionMatrix })}` +
    `<figcaption>Counts on the test split; shade = share of the actual class's rows (the diagonal is recall).</figcaption></figure>` +
    `<div><h3>Classification report</h3>${table(['Class', 'Precision', 'Recall', 'F1', 'Support'], rows, new Set([1, 2, 3, 4]))}</div></div>` +
    `<h3>Feature importances</h3><figure>${importancesChart(best.importances, best.importanceKind)}` +
    `<figcaption>${best.importanceKind === 'native' ? 'The model’s own importances (impurity decrease for trees, |coefficient| for linear models).' : 'Permutation importance on the test split (seeded): the mean accuracy lost when the feature is shuffled; negative means shuffling helped by chance.'} Features are as the model sees them (one-hot columns named column=level).</figcaption></figure>` +
    `</section>`
  );
}

function cvSection(data: RunReportData): string {
  if (data.cvSpread.length === 0) return '';
  return (
    `<section aria-labelledby="s-cv"><h2 id="s-cv">Cross-validation spread</h2>` +
    `<figure>${cvSpreadChart(data.cvSpread)}<figcaption>Each dot is one fold's validation accuracy; the line spans the folds, the tick is the mean; ★ marks the configuration each model was refitted with. Orange dots: a configuration stopped early.</figcaption></figure>` +
    `</section>`
  );
}

function timingSection(data: RunReportData): string {
  const stages = data.stageTimings.length
    ? barChart({
        chart: 'stages',
        title: 'Time per pipeline stage',
        description: `${data.stageTimings.length} stages, milliseconds each as recorded in the runs table.`,
        bars: data.stageTimings.map((s) => ({
          label: s.stage,
          value: s.ms,
          valueText: duration(s.ms),
          tooltip: `${s.stage}: ${duration(s.ms)}`,
        })),
        tickFormat: (v) => duration(v),
      })
    : '<p class="note">No stage timings recorded.</p>';
  const modelRows = data.modelTimings.map((t) => [
    e(t.model),
    String(t.cells),
    duration(t.cellMs),
    duration(t.medianCellMs),
    duration(t.maxCellMs),
    t.refitMs === undefined ? '—' : duration(t.refitMs),
  ]);
  const cellRows = data.cells.map((c) => [
    e(c.model),
    cut(c.paramsKey || '(defaults)'),
    String(c.fold),
    e(c.status),
    c.score === null ? '—' : fixed(c.score, 4),
    duration(c.fitMs),
    cut(c.worker),
  ]);
  return (
    `<section aria-labelledby="s-timings"><h2 id="s-timings">Timings</h2><div class="grid two">` +
    `<figure>${stages}<figcaption>Prep and Plan time themselves; the other stages from entering to leaving their task.</figcaption></figure>` +
    `<div><h3>CV cells per model</h3>${table(['Model', 'Cells', 'Total', 'Median', 'Slowest', 'Refit'], modelRows, new Set([1, 2, 3, 4, 5]))}</div></div>` +
    `<details><summary>All ${data.cells.length} cells, slowest first</summary>` +
    `${table(['Model', 'Params', 'Fold', 'Status', 'Score', 'Fit time', 'Worker'], cellRows, new Set([2, 4, 5]))}</details>` +
    `</section>`
  );
}

function costSection(data: RunReportData): string {
  const c = data.cost;
  const rows = c.lines.map((l) => [
    e(l.label),
    e(l.function),
    String(l.invocations),
    fixed(l.seconds, 2),
    String(l.memoryMb),
    fixed(l.gbSeconds, 3),
    dollars(l.dollars),
  ]);
  const assumptions = c.assumptions.map((a) => `<li>${e(a)}</li>`).join('');
  return (
    `<section aria-labelledby="s-cost"><h2 id="s-cost">Estimated cost on AWS</h2>` +
    `<p><strong>≈ ${dollars(c.totalDollars)}</strong> for this run: Lambda compute ${dollars(c.computeDollars)} (${fixed(c.gbSeconds, 2)} GB-s), ` +
    `Lambda requests ${dollars(c.requestDollars)} (${c.requests}), Step Functions ${dollars(c.transitionDollars)} (${c.transitions} state transitions). This is an estimate, not a bill.</p>` +
    `${table(['Work', 'Function', 'Invocations', 'Seconds', 'Memory MB', 'GB-s', 'Compute'], rows, new Set([2, 3, 4, 5, 6]))}` +
    `<details><summary>Assumptions</summary><ul>${assumptions}</ul></details></section>`
  );
}

function qualityBody(quality: DataQuality): string {
  const checks = quality.checks
    .map(
      (check) =>
        `<li><span class="${check.ok ? 'ok' : 'warn'}" aria-label="${check.ok ? 'passed' : 'warning'}">${check.ok ? '✓' : '!'}</span> ${e(check.label)} <span class="muted">— ${e(check.detail)}</span></li>`,
    )
    .join('');
  const list = checks ? `<ul class="checks">${checks}</ul>` : '';
  if (!quality.available) return `<p class="note">${e(quality.reason)}</p>${list}`;
  const rows = quality.columns.map((c) => [
    cut(c.name),
    e(c.kind),
    String(c.present),
    String(c.missing),
    `${fixed(c.missingShare * 100, 1)}%`,
    c.kind === 'numeric'
      ? `${fixed(c.min ?? Number.NaN, 3)} / ${fixed(c.mean ?? Number.NaN, 3)} / ${fixed(c.max ?? Number.NaN, 3)}`
      : c.distinct === undefined
        ? '—'
        : `${c.distinct} distinct`,
  ]);
  return (
    `${list}<p class="note">Profiled on the ${quality.rows} training rows before imputation (the run's baseline, statistics.json).</p>` +
    table(['Column', 'Kind', 'Present', 'Missing', 'Missing %', 'Min / mean / max'], rows, new Set([2, 3, 4]))
  );
}

function datasetSection(data: RunReportData): string {
  const d = data.dataset;
  const classes = d.classes.length ? d.classes.map((c) => e(c)).join(', ') : undefined;
  return (
    `<section aria-labelledby="s-data"><h2 id="s-data">Dataset and data quality</h2>` +
    facts([
      ['Source', d.uri === undefined ? undefined : `<code>${e(d.uri)}</code>`],
      ['SHA-256', d.digest === undefined ? undefined : `<code>${e(d.digest)}</code>`],
      ['Rows × columns', d.rows === undefined ? undefined : `${d.rows} × ${d.columns ?? '?'}`],
      ['Target', d.target === undefined ? undefined : `<code>${e(d.target)}</code>`],
      ['Classes', classes],
      ['Test rows', d.testRows === undefined ? undefined : String(d.testRows)],
      ['Model features', d.features.length ? String(d.features.length) : undefined],
    ]) +
    `<h3>Checks</h3>${qualityBody(data.dataQuality)}</section>`
  );
}

function describeTrigger(data: RunReportData): string {
  const t = data.lineage.trigger;
  if (t.kind === 'upload') return `upload of <code>${e(`s3://${t.bucket}/${t.key}`)}</code>`;
  return e(t.kind);
}

function lineageSection(data: RunReportData): string {
  const l = data.lineage;
  const config = data.config
    ? `<details><summary>Run configuration</summary><pre>${e(JSON.stringify(data.config, null, 2))}</pre></details>`
    : '';
  return (
    `<section aria-labelledby="s-lineage"><h2 id="s-lineage">Lineage</h2>` +
    facts([
      ['Trigger', describeTrigger(data)],
      ['Reason', l.reason === undefined ? undefined : e(l.reason)],
      ['Dataset', l.datasetUri === undefined ? undefined : `<code>${e(l.datasetUri)}</code>`],
      ['Dataset SHA-256', l.datasetDigest === undefined ? undefined : `<code>${e(l.datasetDigest)}</code>`],
      ['Model version', l.modelVersion === undefined ? undefined : `${e(data.modelName)} v${l.modelVersion}`],
      [
        'Artifact SHA-256',
        l.artifactSha256 === undefined ? undefined : `<code>${e(l.artifactSha256)}</code>`,
      ],
      ['Code version', l.codeVersion === undefined ? undefined : `<code>${e(l.codeVersion)}</code>`],
      ['Execution', l.executionArn === undefined ? undefined : `<code>${e(l.executionArn)}</code>`],
    ]) +
    `${config}</section>`
  );
}

export function renderRunReport(data: RunReportData): string {
  const title = `Run report: ${data.modelName} (${data.runId})`;
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8">` +
    `<meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<title>${e(title)}</title><style>${REPORT_CSS}</style></head><body><main>` +
    header(data) +
    leaderboardSection(data) +
    bestSection(data) +
    cvSection(data) +
    timingSection(data) +
    costSection(data) +
    datasetSection(data) +
    lineageSection(data) +
    `<footer>Generated ${e(data.generatedAt)} by Synergy. Self-contained page: no scripts, no external resources.</footer>` +
    `</main></body></html>\n`
  );
}
