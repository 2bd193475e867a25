/**
 * The CV score spread of each model's configurations: one row per configuration (`data-config`), its
 * fold scores as dots (`data-fold`), the range as a line, the mean as a tick, the chosen configuration
 * highlighted. A model with many configurations shows its best few by mean (always including the chosen
 * one) and says how many it left out, so the chart stays readable on a phone.
 */
import { describeParams, escapeHtml, fixed } from '../html.ts';
import type { ConfigurationSpread, ModelSpread } from '../run-report-data.ts';
import {
  BOLD_FACTOR,
  CHART_WIDTH,
  charsIn,
  FONT_SIZE,
  linearScale,
  niceTicks,
  round,
  svgFrame,
  svgLabel,
  xAxis,
} from './svg.ts';

/** Configurations drawn per model. */
export const CONFIGURATIONS_SHOWN = 8;
const ROW = 18;
const HEADER = 20;
const LABEL = 156;
const RIGHT = 14;
const AXIS = 26;

/** The configurations to draw, best mean first; the chosen one is always among them. */
export function shownConfigurations(spread: ModelSpread): readonly ConfigurationSpread[] {
  const ranked = [...spread.configurations].sort(
    (a, b) =>
      (Number.isNaN(b.mean) ? -1 : b.mean) - (Number.isNaN(a.mean) ? -1 : a.mean) ||
      a.configIndex - b.configIndex,
  );
  const shown = ranked.slice(0, CONFIGURATIONS_SHOWN);
  const chosen = ranked.find((c) => c.chosen);
  if (chosen && !shown.includes(chosen)) shown[shown.length - 1] = chosen;
  return shown;
}

function domainOf(models: readonly ModelSpread[]): [number, number] {
  const scores = models.flatMap((m) =>
    shownConfigurations(m).flatMap((c) => c.folds.flatMap((f) => (f.score === null ? [] : [f.score]))),
  );
  if (scores.length === 0) return [0, 1];
  let lo = Math.floor(Math.min(...scores) * 20) / 20;
  let hi = Math.ceil(Math.max(...scores) * 20) / 20;
  if (hi - lo < 0.1) {
    hi = Math.min(1, lo + 0.1);
    lo = Math.max(0, hi - 0.1);
  }
  return [lo, hi];
}

export function cvSpreadChart(models: readonly ModelSpread[]): string {
  const [lo, hi] = domainOf(models);
  const x = linearScale([lo, hi], [LABEL, CHART_WIDTH - RIGHT]);
  const parts: string[] = [];
  let y = 4;
  const plotTop = y;
  for (const model of models) {
    const shown = shownConfigurations(model);
    const hidden = model.configurations.length - shown.length;
    const note = hidden > 0 ? ` (best ${shown.length} of ${model.configurations.length})` : '';
    parts.push(
      `<text class="group" x="0" y="${round(y + FONT_SIZE + 2)}">${escapeHtml(model.model)}${escapeHtml(note)}</text>`,
    );
    y += HEADER;
    for (const config of shown) {
      const mid = y + ROW / 2;
      const label = `${config.chosen ? '★ ' : ''}${describeParams(config.params)}`;
      const scores = config.folds.flatMap((f) => (f.score === null ? [] : [f]));
      const tooltip = `${model.model} ${describeParams(config.params)}: mean ${fixed(config.mean, 4)} ± ${fixed(config.std, 4)} over ${scores.length} of ${config.folds.length} folds${config.stopped ? ' (stopped early)' : ''}${config.chosen ? ' — chosen' : ''}`;
      parts.push(
        `<g class="config${config.chosen ? ' chosen' : ''}${config.stopped ? ' stopped' : ''}" data-config="" data-model="${escapeHtml(model.model)}">`,
        `<title>${escapeHtml(tooltip)}</title>`,
        svgLabel(label, {
          x: LABEL - 8,
          y: mid + FONT_SIZE / 3 - 1,
          maxChars: charsIn(LABEL - 12, (11 / 12) * (config.chosen ? BOLD_FACTOR : 1)),
          anchor: 'end',
          className: config.chosen ? 'label small strong' : 'label small',
        }),
      );
      if (scores.length > 0) {
        parts.push(
          `<line class="range" x1="${round(x(config.min))}" x2="${round(x(config.max))}" y1="${round(mid)}" y2="${round(mid)}"/>`,
        );
        for (const fold of scores) {
          parts.push(
            `<circle class="fold" data-fold="${fold.fold}" cx="${round(x(fold.score ?? 0))}" cy="${round(mid)}" r="3.2"/>`,
          );
        }
        parts.push(
          `<line class="mean" x1="${round(x(config.mean))}" x2="${round(x(config.mean))}" y1="${round(mid - 6)}" y2="${round(mid + 6)}"/>`,
        );
      }
      parts.push('</g>');
      y += ROW;
    }
  }
  const ticks = niceTicks(lo, hi, 5);
  const axis = xAxis({
    ticks,
    scale: x,
    top: plotTop,
    bottom: y,
    format: (v) => String(Number(v.toFixed(3))),
  });
  const configurations = models.reduce((sum, m) => sum + m.configurations.length, 0);
  return svgFrame({
    chart: 'cv-spread',
    title: 'Cross-validation accuracy per configuration',
    description: `${configurations} configurations of ${models.length} models: each fold's validation accuracy as a dot, the mean as a tick, the chosen configuration starred.`,
    width: CHART_WIDTH,
    height: y + AXIS,
    body: axis + parts.join(''),
  });
}
