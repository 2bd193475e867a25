/**
 * The fuzz generator, used in-process by fuzz.test.ts and over HTTP by test/e2e/serving.test.ts: requests
 * (all routes, all three protocols) with bodies a client could send by mistake or on purpose — wrong types,
 * huge numbers, deep nesting, `__proto__`/`constructor` keys, truncated or mutated JSON, random bytes,
 * wrong content types. It is seeded, so a failure names a reproducible case.
 */
import { SCHEDULE_ADHERENCE_HEADER } from '../../../layers/core/demo/schedule-adherence.ts';
import { SERVING_ROUTES } from '../../../layers/core/serving/serving-routes.ts';
import { Random } from '../../../layers/ml/random.ts';
import { sampleRows } from './serving-fixture.ts';

export const INPUTS: readonly string[] = SCHEDULE_ADHERENCE_HEADER.filter((name) => name !== 'on_time');
export const ROUTES = [...SERVING_ROUTES.keys()];
export const KEYS = [
  'rows',
  'instances',
  'dataframe_split',
  'dataframe_records',
  'inputs',
  'outputs',
  'columns',
  'data',
  'index',
  'name',
  'shape',
  'datatype',
  'parameters',
  'params',
  'id',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'valueOf',
  'on_time',
  ...INPUTS,
];
export const CONTENT_TYPES: readonly (string | undefined)[] = [
  'application/json',
  'application/json',
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'APPLICATION/JSON',
  'application/vnd.api+json',
  'text/csv',
  'text/csv; charset=utf-16',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  '',
  ';;;',
  undefined,
];
export const NAMES = [
  'schedule',
  'schedule',
  'schedule',
  'schedule',
  'nope',
  '__proto__',
  'constructor',
  '',
  'a'.repeat(3000),
];
export const VERSIONS = [
  '1',
  '1',
  '2',
  '2',
  '3',
  '0',
  '-1',
  'abc',
  '1e3',
  '99999999999999999999',
  '１',
  ' 2',
];
export const ALIASES: readonly (string | undefined)[] = [
  undefined,
  undefined,
  'champion',
  'challenger',
  'x',
  '__proto__',
  '',
];
export const NUMBERS = [0, -0, 1, -1, 0.5, 1e308, -1e308, 5e-324, 2 ** 53 + 1, 123456789, 42];
export const NUMBER_TEXTS = [
  '1e400',
  '-1e400',
  '123456789012345678901234567890',
  '1E-400',
  '0.0000000000001',
  '-0',
];
export const STRINGS = [
  '',
  'NA',
  'null',
  'north',
  'commercial',
  'x'.repeat(500),
  '\u0000',
  '\ud800',
  '💥',
  '<script>',
  '1e3',
  ' 12 ',
];

export class Generator {
  private readonly rng: Random;
  /** How often a cell of a "valid" body is corrupted (0 while generating a clean request). */
  corruption = 0.03;

  constructor(seed: number) {
    this.rng = new Random(seed);
  }

  int(n: number): number {
    return this.rng.int(n);
  }

  chance(p: number): boolean {
    return this.rng.next() < p;
  }

  pick<T>(values: readonly T[]): T {
    return values[this.rng.int(values.length)];
  }

  /** A random JSON value as text (so keys like __proto__ and numbers like 1e400 appear literally). */
  value(depth: number): string {
    const kind = depth <= 0 ? this.int(4) : this.int(7);
    switch (kind) {
      case 0:
        return this.chance(0.3) ? this.pick(NUMBER_TEXTS) : String(this.pick(NUMBERS));
      case 1:
        return JSON.stringify(this.pick(STRINGS));
      case 2:
        return this.pick(['true', 'false', 'null']);
      case 3:
        return String(this.rng.normal() * 10 ** this.int(12));
      case 4:
      case 5: {
        const n = this.int(6);
        return `[${Array.from({ length: n }, () => this.value(depth - 1)).join(',')}]`;
      }
      default: {
        const n = this.int(6);
        const entries = Array.from(
          { length: n },
          () => `${JSON.stringify(this.pick(KEYS))}:${this.value(depth - 1)}`,
        );
        return `{${entries.join(',')}}`;
      }
    }
  }

  /** A row as a client would write it: mostly right, sometimes wrong in one cell. */
  row(): string {
    const [sample] = sampleRows(1, this.int(300));
    const entries = Object.entries(sample).map(([key, cell]) => {
      const text = this.chance(this.corruption) ? this.value(2) : JSON.stringify(cell);
      return `${JSON.stringify(this.chance(this.corruption) ? this.pick(KEYS) : key)}:${text}`;
    });
    if (this.chance(3 * this.corruption)) entries.push(`"__proto__":${this.value(1)}`);
    return `{${entries.join(',')}}`;
  }

  positional(): string {
    const [sample] = sampleRows(1, this.int(300));
    const cells = INPUTS.map((name) =>
      this.chance(this.corruption) ? this.value(1) : JSON.stringify(sample[name]),
    );
    if (this.chance(3 * this.corruption)) cells.pop();
    return `[${cells.join(',')}]`;
  }

  /** A body each protocol accepts, most of the time. */
  valid(routeKey: string): { body: string; contentType: string } {
    const n = 1 + this.int(4);
    const rows = Array.from({ length: n }, () => this.row());
    if (routeKey.endsWith('/infer')) {
      const inputs = INPUTS.map((name) => {
        const values = sampleRows(n, this.int(300)).map((row) =>
          this.chance(this.corruption) ? this.value(1) : JSON.stringify(row[name]),
        );
        const text = typeof sampleRows(1)[0][name] === 'string';
        const datatype = this.chance(3 * this.corruption)
          ? this.pick(['FP32', 'INT64', 'BOOL', 'BYTES', 'UINT8', 'nope'])
          : text
            ? 'BYTES'
            : 'FP64';
        const shape = this.chance(3 * this.corruption) ? this.value(1) : `[${n}]`;
        return `{"name":${JSON.stringify(this.chance(this.corruption) ? this.pick(KEYS) : name)},"shape":${shape},"datatype":"${datatype}","data":[${values.join(',')}]}`;
      });
      return { body: `{"id":"fuzz","inputs":[${inputs.join(',')}]}`, contentType: 'application/json' };
    }
    if (routeKey.endsWith('/invocations')) {
      switch (this.int(5)) {
        case 0:
          return { body: `{"dataframe_records":[${rows.join(',')}]}`, contentType: 'application/json' };
        case 1: {
          const data = Array.from({ length: n }, () => this.positional());
          return {
            body: `{"dataframe_split":{"columns":${JSON.stringify(INPUTS)},"data":[${data.join(',')}]}}`,
            contentType: 'application/json',
          };
        }
        case 2:
          return { body: `{"instances":[${rows.join(',')}]}`, contentType: 'application/json' };
        case 3:
          return {
            body: `{"inputs":{${INPUTS.map((name) => `"${name}":[${this.value(0)}]`).join(',')}}}`,
            contentType: 'application/json',
          };
        default: {
          const lines = sampleRows(n, this.int(300)).map((row) =>
            INPUTS.map((name) => row[name] ?? '').join(','),
          );
          return { body: [INPUTS.join(','), ...lines].join('\n'), contentType: 'text/csv' };
        }
      }
    }
    return this.chance(0.7)
      ? { body: `{"rows":[${rows.join(',')}]}`, contentType: 'application/json' }
      : {
          body: `{"instances":[${Array.from({ length: n }, () => this.positional()).join(',')}]}`,
          contentType: 'application/json',
        };
  }

  mutate(text: string): string {
    if (text.length === 0) return text;
    const at = this.int(text.length);
    switch (this.int(5)) {
      case 0:
        return text.slice(0, at); // truncated
      case 1:
        return text.slice(0, at) + String.fromCharCode(this.int(256)) + text.slice(at + 1);
      case 2:
        return (
          text.slice(0, at) +
          this.pick(['{', '}', '[', ']', ',', ':', '"', '\\', 'NaN', '1e999']) +
          text.slice(at)
        );
      case 3:
        return text.slice(0, at) + text.slice(at + 1 + this.int(20));
      default:
        return text.slice(0, at) + text.slice(this.int(text.length));
    }
  }

  nested(depth?: number, shape?: number): string {
    const levels = depth ?? this.pick([10, 100, 1_000, 5_000, 20_000]);
    switch (shape ?? this.int(4)) {
      case 0:
        return `${'['.repeat(levels)}${']'.repeat(levels)}`;
      case 1:
        return `{"rows":${'['.repeat(levels)}${']'.repeat(levels)}}`;
      case 2:
        return `{"rows":[${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}]}`;
      default:
        return `{"inputs":[{"name":"crew_size","shape":[1],"datatype":"FP64","data":${'['.repeat(levels)}1${']'.repeat(levels)}}]}`;
    }
  }

  randomText(): string {
    const n = this.int(2_000);
    let text = '';
    for (let i = 0; i < n; i++) {
      text += String.fromCharCode(this.chance(0.9) ? this.int(256) : this.int(0x10000));
    }
    return text;
  }

  pollution(): string {
    return this.pick([
      `{"__proto__":{"rows":[${this.row()}]},"rows":[${this.row()}]}`,
      `{"rows":[{"__proto__":{"crew_size":5},"constructor":{"prototype":{"polluted":1}}}]}`,
      `{"constructor":{"prototype":{"rows":[]}}}`,
      `{"dataframe_split":{"columns":["__proto__","constructor"],"data":[[1,2]]}}`,
      `{"inputs":{"__proto__":[1],"constructor":[2]}}`,
      `{"inputs":[{"name":"__proto__","shape":[1],"datatype":"FP64","data":[1]}]}`,
      `{"rows":[${this.row()}],"__proto__":null}`,
    ]);
  }

  body(routeKey: string): { body: string | undefined; contentType: string | undefined } {
    const kind = this.int(10);
    const contentType = this.chance(0.75) ? undefined : this.pick(CONTENT_TYPES);
    const valid = this.valid(routeKey);
    const type = contentType ?? valid.contentType;
    switch (kind) {
      case 0:
      case 1:
        return valid;
      case 2:
      case 3:
        return { body: this.mutate(valid.body), contentType: type };
      case 4:
        return { body: this.value(4), contentType: type };
      case 5:
        return { body: this.nested(), contentType: type };
      case 6:
        return { body: this.randomText(), contentType: type };
      case 7:
        return { body: this.pollution(), contentType: type };
      case 8:
        return {
          body: this.chance(0.5) ? undefined : this.pick(['', ' ', 'null', '[]', '{}', '0', '"rows"']),
          contentType: type,
        };
      default:
        return { body: valid.body, contentType: this.pick(CONTENT_TYPES) };
    }
  }
}
