/**
 * Escaping and small text helpers for the report's HTML and SVG. Everything that came from data (column
 * names, class labels, params, error messages) goes through `escapeHtml` before it reaches the page: a
 * column may be called anything, including `<script>`.
 */

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Text safe in element content and in double- or single-quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/**
 * `label` cut to `max` characters with an ellipsis in the middle, so one-hot features that share a long
 * column name (`<column>=<level>`) stay distinguishable by their ends; `cut` tells whether it was cut.
 */
export function truncate(label: string, max: number): { readonly text: string; readonly cut: boolean } {
  const chars = [...label];
  if (chars.length <= max) return { text: label, cut: false };
  const keep = Math.max(1, max - 1);
  const head = Math.ceil(keep / 2);
  const tail = keep - head;
  return {
    text: `${chars.slice(0, head).join('')}…${tail > 0 ? chars.slice(-tail).join('') : ''}`,
    cut: true,
  };
}

/** A number as a fixed-decimal text; NaN and infinities as an em dash (they mean "not measured"). */
export function fixed(value: number, digits: number): string {
  return Number.isFinite(value) ? value.toFixed(digits) : '—';
}

/** Milliseconds as people read them: 850 ms, 12.3 s, 4 min 05 s. */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 2 : 1)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${String(Math.round(seconds - minutes * 60)).padStart(2, '0')} s`;
}

/** US dollars with enough digits that a small run's cost is not shown as 0.00. */
export function dollars(value: number): string {
  if (value === 0) return '$0';
  if (value < 0.000001) return '< $0.000001';
  if (value < 0.01) return `$${value.toPrecision(3)}`;
  return `$${value.toFixed(4)}`;
}

/**
 * A camel-case identifier (a model name) with break opportunities between its words, so a narrow card
 * wraps `Logistic|Regression` rather than mid-word. Escapes its input.
 */
export function breakable(name: string): string {
  return escapeHtml(name).replace(/([a-z])([A-Z])/g, '$1<wbr>$2');
}

/** Params as `key=value` pairs, in their own order. */
export function describeParams(params: Readonly<Record<string, unknown>>): string {
  const parts = Object.entries(params).map(
    ([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`,
  );
  return parts.length === 0 ? '(defaults)' : parts.join(', ');
}
