/**
 * A rule target's InputPath: the part of the event delivered instead of the whole event. EventBridge
 * takes JSONPath; the local stand-in supports its plain form — `$`, `.name` and `['name']` / `[index]`
 * segments — which is what InputPath is used for (e.g. `$.detail`).
 */
import { EventPatternError } from './errors.ts';

const SEGMENT = /^(?:\.([A-Za-z_$][\w$-]*)|\['([^']*)'\]|\["([^"]*)"\]|\[(\d+)\])/;

/** The path's segments; throws when it is not `$` followed by plain segments. */
export function parseInputPath(path: string): (string | number)[] {
  if (!path.startsWith('$')) throw badPath(path);
  const segments: (string | number)[] = [];
  let rest = path.slice(1);
  while (rest !== '') {
    const match = SEGMENT.exec(rest);
    if (!match) throw badPath(path);
    const [whole, dotted, single, double, index] = match;
    segments.push(index !== undefined ? Number(index) : (dotted ?? single ?? double));
    rest = rest.slice(whole.length);
  }
  return segments;
}

/** The value at `path` in `event`; null when the event has nothing there. */
export function selectInputPath(path: string, event: unknown): unknown {
  let value: unknown = event;
  for (const segment of parseInputPath(path)) {
    if (value === null || typeof value !== 'object') return null;
    value = (value as Record<string | number, unknown>)[segment];
  }
  return value ?? null;
}

function badPath(path: string): EventPatternError {
  return new EventPatternError(
    `InputPath "${path}" is not supported locally: use $ followed by .name, ['name'] or [index] segments`,
    { inputPath: path },
  );
}
