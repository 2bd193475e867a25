/**
 * Who held champion and challenger when: one lane per alias, one bar per holding (`data-span`), coloured
 * by version, from the move that made it to the next (or now). Drawn in HTML and CSS rather than SVG so
 * the version labels stay 12 px at any width (a scaled SVG timeline is either tiny on a phone or huge on
 * a laptop): positions are percentages of the range. Rollbacks (↺) and hand promotions (✎) are marked
 * on their bar; the table of moves under it says the same in words.
 */
import { escapeHtml } from '../../html.ts';
import type { AliasSpan } from '../alias-history.ts';
import { ALIASES } from '../alias-history.ts';
import { instantLabel, timeTicks } from './time-axis.ts';

/** Colours cycle over this many versions (styles: .v0 … .v7). */
export const VERSION_COLOURS = 8;

const MARK: Readonly<Record<AliasSpan['kind'], string>> = {
  pipeline: '',
  manual: '✎ ',
  rollback: '↺ ',
  unrecorded: '? ',
};

const HOW: Readonly<Record<AliasSpan['kind'], string>> = {
  pipeline: 'moved by the pipeline',
  manual: 'promoted by hand',
  rollback: 'rolled back',
  unrecorded: 'moved without an audit entry',
};

const percent = (value: number) => `${Math.round(value * 10_000) / 100}%`;

export function aliasTimeline(spans: readonly AliasSpan[], nowIso: string): string {
  const now = Date.parse(nowIso);
  const starts = spans.map((s) => Date.parse(s.from));
  const from = Math.min(now, ...starts);
  const to = from === now ? now + 60_000 : now;
  const at = (ms: number) => (ms - from) / (to - from);
  const lanes = ALIASES.map((alias) => {
    const bars = spans
      .filter((span) => span.alias === alias)
      .map((span) => {
        const start = at(Date.parse(span.from));
        const end = at(span.to === undefined ? to : Date.parse(span.to));
        const tooltip = `${alias} v${span.version} from ${instantLabel(span.from)} ${span.to === undefined ? 'until now' : `to ${instantLabel(span.to)}`}: ${HOW[span.kind]} (${span.actor}: ${span.reason})`;
        return (
          `<div class="span v${span.version % VERSION_COLOURS} how-${span.kind}" data-span="" data-alias="${alias}" data-version="${span.version}" data-how="${span.kind}"` +
          ` style="left:${percent(start)};width:${percent(Math.max(0.004, end - start))}" title="${escapeHtml(tooltip)}">` +
          `${MARK[span.kind]}v${span.version}</div>`
        );
      })
      .join('');
    return `<div class="lane-name">${alias}</div><div class="track" data-lane="${alias}">${bars}</div>`;
  }).join('');
  const time = timeTicks(from, to, 5);
  const ticks = time.ticks
    .map((tick) => {
      const p = at(tick);
      const align = p < 0.1 ? 'start' : p > 0.9 ? 'end' : 'middle';
      return `<span class="t-${align}" style="left:${percent(p)}">${escapeHtml(time.format(tick))}</span>`;
    })
    .join('');
  const moves = spans.length;
  const label = `Alias timeline from ${instantLabel(from)} to now: ${moves} holdings of champion and challenger; the table below lists every move.`;
  return (
    `<div class="timeline" data-chart="aliases" role="img" aria-label="${escapeHtml(label)}">${lanes}` +
    `<div class="axis" aria-hidden="true">${ticks}</div></div>`
  );
}
