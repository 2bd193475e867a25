/**
 * The confusion-matrix heatmap: actual classes down, predicted across, one `data-cell` per pair. Colour
 * is the row's share (the class's recall on the diagonal), so a rare class's mistakes show as clearly as
 * a common one's; the count is printed in the cell and both are in its tooltip.
 */
import { escapeHtml } from '../html.ts';
import { CHAR_WIDTH, CHART_WIDTH, charsIn, FONT_SIZE, round, svgFrame, svgLabel } from './svg.ts';

export interface HeatmapSpec {
  readonly classes: readonly string[];
  /** matrix[actual][predicted] = count. */
  readonly matrix: readonly (readonly number[])[];
}

const AXIS_TITLE = 18;
const LEFT_LABEL_MAX = 110;
const MAX_CELL = 72;

/** From near-white to the accent blue; `share` in [0, 1]. */
export function heatColor(share: number): string {
  const t = Math.min(1, Math.max(0, share));
  const from = [241, 245, 249];
  const to = [29, 78, 216];
  const mix = from.map((f, i) => Math.round(f + (to[i] - f) * t));
  return `rgb(${mix[0]},${mix[1]},${mix[2]})`;
}

export function heatmap(spec: HeatmapSpec): string {
  const k = spec.classes.length;
  const longest = Math.max(1, ...spec.classes.map((c) => [...c].length));
  const leftLabel = Math.min(LEFT_LABEL_MAX, Math.round(longest * CHAR_WIDTH) + 8);
  const left = AXIS_TITLE + leftLabel;
  const top = AXIS_TITLE;
  const cell = Math.min(MAX_CELL, Math.floor((CHART_WIDTH - left - 8) / Math.max(1, k)));
  const gridBottom = top + k * cell;
  const parts: string[] = [];
  parts.push(
    `<text class="axis-title" x="${round(left + (k * cell) / 2)}" y="${FONT_SIZE}" text-anchor="middle">Predicted</text>`,
    `<text class="axis-title" transform="translate(${FONT_SIZE} ${round(top + (k * cell) / 2)}) rotate(-90)" text-anchor="middle">Actual</text>`,
  );
  for (let a = 0; a < k; a++) {
    const rowTotal = spec.matrix[a].reduce((sum, n) => sum + n, 0);
    parts.push(
      svgLabel(spec.classes[a], {
        x: left - 6,
        y: top + a * cell + cell / 2 + FONT_SIZE / 3,
        maxChars: charsIn(leftLabel - 6),
        anchor: 'end',
        className: 'label',
      }),
    );
    for (let p = 0; p < k; p++) {
      const count = spec.matrix[a][p];
      const share = rowTotal === 0 ? 0 : count / rowTotal;
      const x = left + p * cell;
      const y = top + a * cell;
      const tooltip = `actual ${spec.classes[a]}, predicted ${spec.classes[p]}: ${count} (${(share * 100).toFixed(1)}% of ${spec.classes[a]})`;
      const ink = share > 0.55 ? 'ink-light' : 'ink-dark';
      const textSize = cell < 28 ? ` font-size="${Math.max(7, Math.floor(cell / 2.6))}"` : '';
      parts.push(
        `<g data-cell="" data-actual="${a}" data-predicted="${p}" data-count="${count}">` +
          `<rect x="${round(x)}" y="${round(y)}" width="${cell - 2}" height="${cell - 2}" rx="2" fill="${heatColor(share)}"` +
          `${a === p ? ' class="diagonal"' : ''}><title>${escapeHtml(tooltip)}</title></rect>` +
          `<text class="${ink}" x="${round(x + (cell - 2) / 2)}" y="${round(y + (cell - 2) / 2 + FONT_SIZE / 3)}" text-anchor="middle"${textSize} aria-hidden="true">${count}</text></g>`,
      );
    }
  }
  for (let p = 0; p < k; p++) {
    parts.push(
      svgLabel(spec.classes[p], {
        x: left + p * cell + (cell - 2) / 2,
        y: gridBottom + FONT_SIZE + 4,
        maxChars: charsIn(cell - 4),
        anchor: 'middle',
        className: 'label',
      }),
    );
  }
  return svgFrame({
    chart: 'confusion',
    title: 'Confusion matrix of the best model on the test split',
    description: `${k} × ${k} cells: rows are the actual classes (${spec.classes.join(', ')}), columns the predicted ones; each cell holds a count, shaded by its share of the row.`,
    width: CHART_WIDTH,
    height: gridBottom + FONT_SIZE + 12,
    body: parts.join(''),
  });
}
