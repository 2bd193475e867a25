/** Where a batch of captured rows is stored: one object per model and flush, partitioned by UTC day. */

const pad = (value: number, width = 2): string => String(value).padStart(width, '0');

/** `capture/<model>/<yyyy>/<mm>/<dd>/<HHmmss>-<id>.jsonl`, the date and time in UTC. */
export function captureKey(model: string, at: Date, id: string): string {
  const day = `${pad(at.getUTCFullYear(), 4)}/${pad(at.getUTCMonth() + 1)}/${pad(at.getUTCDate())}`;
  const time = `${pad(at.getUTCHours())}${pad(at.getUTCMinutes())}${pad(at.getUTCSeconds())}`;
  return `capture/${model}/${day}/${time}-${id}.jsonl`;
}
