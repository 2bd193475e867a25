/**
 * EventBridge event patterns (content filtering): a pattern is an object whose leaves are arrays of
 * matchers; an event matches when every field of the pattern does, and a field matches when any of its
 * matchers matches any of the field's values (an array in the event is its elements). Supported: exact
 * values (strings, numbers, booleans, null), prefix, suffix, equals-ignore-case (also inside prefix and
 * suffix), wildcard, anything-but (value, list, prefix, suffix, equals-ignore-case, wildcard), numeric
 * ranges, exists, and $or. Patterns are validated when compiled; what EventBridge refuses is an
 * EventPatternError naming the field.
 */
import { EventPatternError } from './errors.ts';

export type EventPattern = Readonly<Record<string, unknown>>;
export type EventPredicate = (event: unknown) => boolean;

/** Tests the values found at one field: the leaves (strings, numbers, booleans, null), none when absent. */
type LeafMatcher = (leaves: readonly Leaf[]) => boolean;
type Leaf = string | number | boolean | null;
type ObjectMatcher = (object: Readonly<Record<string, unknown>>) => boolean;

const NUMERIC_OPERATORS = new Set(['=', '<', '<=', '>', '>=']);

/** Validates `pattern` and returns its predicate; throws EventPatternError for what EventBridge refuses. */
export function compilePattern(pattern: unknown): EventPredicate {
  if (!isPlainObject(pattern)) throw invalid('the pattern must be a JSON object', '');
  if (Object.keys(pattern).length === 0) throw invalid('the pattern must not be empty', '');
  const matcher = compileObject(pattern, '');
  return (event) => matchNested(matcher, event);
}

export function matchesPattern(pattern: unknown, event: unknown): boolean {
  return compilePattern(pattern)(event);
}

function compileObject(node: Readonly<Record<string, unknown>>, path: string): ObjectMatcher {
  const fields: ObjectMatcher[] = Object.entries(node).map(([key, value]) => {
    const fieldPath = path === '' ? key : `${path}.${key}`;
    if (key === '$or') return compileOr(value, fieldPath);
    if (Array.isArray(value)) {
      const leaf = compileLeafArray(value, fieldPath);
      return (object) => leaf(leavesOf(object[key]));
    }
    if (isPlainObject(value)) {
      const nested = compileObject(value, fieldPath);
      return (object) => matchNested(nested, object[key]);
    }
    throw invalid(`"${fieldPath}" must be an object or an array`, fieldPath);
  });
  return (object) => fields.every((field) => field(object));
}

function compileOr(value: unknown, path: string): ObjectMatcher {
  if (!Array.isArray(value) || value.length < 2) {
    throw invalid(`"${path}" must be an array of at least two patterns`, path);
  }
  const branches = value.map((branch, index) => {
    if (!isPlainObject(branch) || Object.keys(branch).length === 0) {
      throw invalid(`"${path}[${index}]" must be a non-empty object`, path);
    }
    return compileObject(branch, path);
  });
  return (object) => branches.some((branch) => branch(object));
}

/**
 * A nested pattern applies to an object value, to any object element of an array value (all its fields
 * from that one element), and — so `exists: false` can match — to an absent or leaf value as to `{}`.
 */
function matchNested(matcher: ObjectMatcher, value: unknown): boolean {
  const objects = objectsOf(value);
  return objects.length === 0 ? matcher({}) : objects.some(matcher);
}

function objectsOf(value: unknown): Readonly<Record<string, unknown>>[] {
  if (Array.isArray(value)) return value.flatMap(objectsOf);
  return isPlainObject(value) ? [value] : [];
}

function leavesOf(value: unknown): Leaf[] {
  if (value === undefined || isPlainObject(value)) return [];
  if (Array.isArray(value)) return value.flatMap(leavesOf);
  return isLeaf(value) ? [value] : [];
}

function compileLeafArray(matchers: readonly unknown[], path: string): LeafMatcher {
  if (matchers.length === 0) throw invalid(`"${path}": empty arrays are not allowed`, path);
  const compiled = matchers.map((matcher) => compileMatcher(matcher, path));
  return (leaves) => compiled.some((matcher) => matcher(leaves));
}

function compileMatcher(matcher: unknown, path: string): LeafMatcher {
  if (isLeaf(matcher)) return (leaves) => leaves.some((leaf) => leaf === matcher);
  if (!isPlainObject(matcher)) {
    throw invalid(`"${path}": match values must be strings, numbers, booleans, null or objects`, path);
  }
  const entries = Object.entries(matcher);
  if (entries.length !== 1) {
    throw invalid(`"${path}": a match object must have exactly one key, got ${entries.length}`, path);
  }
  const [[operator, operand]] = entries;
  switch (operator) {
    case 'prefix':
    case 'suffix': {
      const test = compileAffix(operator, operand, path);
      return (leaves) => leaves.some((leaf) => typeof leaf === 'string' && test(leaf));
    }
    case 'equals-ignore-case': {
      const wanted = requireString(operand, path, operator).toLowerCase();
      return (leaves) => leaves.some((leaf) => typeof leaf === 'string' && leaf.toLowerCase() === wanted);
    }
    case 'wildcard': {
      const regex = wildcardRegex(requireString(operand, path, operator), path);
      return (leaves) => leaves.some((leaf) => typeof leaf === 'string' && regex.test(leaf));
    }
    case 'anything-but': {
      const excluded = compileAnythingBut(operand, path);
      return (leaves) => leaves.some((leaf) => !excluded(leaf));
    }
    case 'numeric': {
      const inRange = compileNumeric(operand, path);
      return (leaves) => leaves.some((leaf) => typeof leaf === 'number' && inRange(leaf));
    }
    case 'exists': {
      if (typeof operand !== 'boolean') throw invalid(`"${path}": exists takes true or false`, path);
      // Exists looks at leaves only: a field holding an object (or an empty array) does not exist.
      return operand ? (leaves) => leaves.length > 0 : (leaves) => leaves.length === 0;
    }
    case 'cidr':
      throw invalid(`"${path}": cidr matching is not supported by the local EventBridge stand-in`, path);
    default:
      throw invalid(`"${path}": Unrecognized match type ${operator}`, path);
  }
}

/** prefix/suffix: a string, or `{ "equals-ignore-case": string }`. */
function compileAffix(
  operator: 'prefix' | 'suffix',
  operand: unknown,
  path: string,
): (value: string) => boolean {
  let wanted: string;
  let ignoreCase = false;
  if (isPlainObject(operand)) {
    const keys = Object.keys(operand);
    if (keys.length !== 1 || keys[0] !== 'equals-ignore-case') {
      throw invalid(`"${path}": ${operator} takes a string or { "equals-ignore-case": string }`, path);
    }
    wanted = requireString(operand['equals-ignore-case'], path, `${operator}.equals-ignore-case`);
    ignoreCase = true;
  } else {
    wanted = requireString(operand, path, operator);
  }
  const normalized = ignoreCase ? wanted.toLowerCase() : wanted;
  return (value) => {
    const text = ignoreCase ? value.toLowerCase() : value;
    return operator === 'prefix' ? text.startsWith(normalized) : text.endsWith(normalized);
  };
}

/** Returns whether a leaf is excluded; anything-but matches every present value that is not. */
function compileAnythingBut(operand: unknown, path: string): (leaf: Leaf) => boolean {
  if (typeof operand === 'string' || typeof operand === 'number') return (leaf) => leaf === operand;
  if (Array.isArray(operand)) {
    const allStrings = operand.every((item) => typeof item === 'string');
    const allNumbers = operand.every((item) => typeof item === 'number');
    if (operand.length === 0 || !(allStrings || allNumbers)) {
      throw invalid(`"${path}": anything-but takes a non-empty list of only strings or only numbers`, path);
    }
    const excluded = new Set<unknown>(operand);
    return (leaf) => excluded.has(leaf);
  }
  if (isPlainObject(operand)) {
    const entries = Object.entries(operand);
    if (entries.length !== 1) throw invalid(`"${path}": anything-but takes one operator`, path);
    const [[operator, value]] = entries;
    switch (operator) {
      case 'prefix':
      case 'suffix': {
        const test = compileAffix(operator, value, path);
        return (leaf) => typeof leaf === 'string' && test(leaf);
      }
      case 'equals-ignore-case': {
        const wanted = new Set(requireStrings(value, path, operator).map((text) => text.toLowerCase()));
        return (leaf) => typeof leaf === 'string' && wanted.has(leaf.toLowerCase());
      }
      case 'wildcard': {
        const regexes = requireStrings(value, path, operator).map((text) => wildcardRegex(text, path));
        return (leaf) => typeof leaf === 'string' && regexes.some((regex) => regex.test(leaf));
      }
      default:
        throw invalid(`"${path}": Unsupported anything-but pattern: ${operator}`, path);
    }
  }
  throw invalid(`"${path}": anything-but takes a string, a number, a list or an operator object`, path);
}

/** `[op, n]` or `[lower-op, n, upper-op, m]` with `>`/`>=` below and `<`/`<=` above. */
function compileNumeric(operand: unknown, path: string): (value: number) => boolean {
  const bad = () =>
    invalid(`"${path}": numeric takes [op, number] or [">"|">=", number, "<"|"<=", number]`, path);
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) throw bad();
  const conditions: ((value: number) => boolean)[] = [];
  for (let index = 0; index < operand.length; index += 2) {
    const operator = operand[index];
    const bound = operand[index + 1];
    if (typeof operator !== 'string' || !NUMERIC_OPERATORS.has(operator)) {
      throw invalid(`"${path}": Unrecognized numeric range operator: ${String(operator)}`, path);
    }
    if (typeof bound !== 'number' || !Number.isFinite(bound)) throw bad();
    conditions.push(numericCondition(operator, bound));
  }
  if (operand.length === 4) {
    const [lower, low, upper, high] = operand as [string, number, string, number];
    if (!lower.startsWith('>') || !upper.startsWith('<') || low >= high) {
      throw invalid(`"${path}": Bad numeric range: [${operand.join(', ')}]`, path);
    }
  }
  return (value) => conditions.every((condition) => condition(value));
}

function numericCondition(operator: string, bound: number): (value: number) => boolean {
  switch (operator) {
    case '=':
      return (value) => value === bound;
    case '<':
      return (value) => value < bound;
    case '<=':
      return (value) => value <= bound;
    case '>':
      return (value) => value > bound;
    default:
      return (value) => value >= bound;
  }
}

/** `*` matches any run of characters; `\*` is a literal star and `\\` a backslash; `**` is refused. */
function wildcardRegex(wildcard: string, path: string): RegExp {
  let source = '';
  for (let index = 0; index < wildcard.length; index++) {
    const char = wildcard[index];
    if (char === '\\') {
      const next = wildcard[index + 1];
      if (next !== '*' && next !== '\\') {
        throw invalid(`"${path}": wildcard "${wildcard}": invalid escape at ${index}`, path);
      }
      source += escapeRegex(next);
      index++;
    } else if (char === '*') {
      if (wildcard[index + 1] === '*') {
        throw invalid(`"${path}": wildcard "${wildcard}": consecutive wildcard characters`, path);
      }
      source += '[\\s\\S]*';
    } else {
      source += escapeRegex(char);
    }
  }
  return new RegExp(`^${source}$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

function requireString(value: unknown, path: string, operator: string): string {
  if (typeof value !== 'string') throw invalid(`"${path}": ${operator} takes a string`, path);
  return value;
}

function requireStrings(value: unknown, path: string, operator: string): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) {
    return value as string[];
  }
  throw invalid(`"${path}": anything-but ${operator} takes a string or a non-empty list of strings`, path);
}

function isLeaf(value: unknown): value is Leaf {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    (typeof value === 'number' && Number.isFinite(value))
  );
}

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function invalid(reason: string, field: string): EventPatternError {
  return new EventPatternError(`Event pattern is not valid. Reason: ${reason}`, { field });
}
