/**
 * A property test over generated malformed bodies: whatever arrives, parsing and validating either
 * succeeds or throws a ServingRequestError with a 4xx status — never another exception. (The lead's
 * 10,000-body fuzz runs the same kinds of bodies through the HTTP path.)
 */
import { describe, expect, it } from 'vitest';
import { ServingRequestError } from '../../../../layers/core/serving/errors.ts';
import { PROTOCOLS } from '../../../../layers/core/serving/protocols/index.ts';
import { compileSignature } from '../../../../layers/core/serving/signature-validator.ts';
import { NUMERIC_SIGNATURE, SIGNATURE } from '../../../fixtures/serving/signature.ts';
import { seededRandom } from './random.ts';
import { requestFixture } from './requests.ts';

const KEYS = [
  'duration',
  'amount',
  'age',
  'channel',
  'churn',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  'rows',
  'instances',
  'inputs',
  'dataframe_split',
  'dataframe_records',
  'columns',
  'data',
  'index',
  'params',
  'name',
  'shape',
  'datatype',
  'id',
  'outputs',
  'parameters',
  '',
];
const DATATYPES = ['FP32', 'FP64', 'INT8', 'UINT8', 'BYTES', 'BOOL', 'fp32', ''];
const CONTENT_TYPES = [
  undefined,
  'application/json',
  'application/json; charset=utf-8',
  'text/csv',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/json; charset=utf-16',
  '',
  'application/vnd.api+json',
];
const FIXTURES = [
  'native-rows.json',
  'native-instances.json',
  'mlflow-dataframe-split.json',
  'mlflow-dataframe-records.json',
  'mlflow-instances.json',
  'mlflow-inputs.json',
  'mlflow.csv',
  'v2-matrix.json',
  'v2-columns.json',
].map(requestFixture);

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

function randomScalar(random: Random): unknown {
  return pick(random, [
    () => random() * 100,
    () => -0,
    () => 1.7976931348623157e308,
    () => Number.MAX_SAFE_INTEGER * 4,
    () => Math.floor(random() * 5),
    () => 'web',
    () => 'NA',
    () => '',
    () => '__proto__',
    () => 'x'.repeat(Math.floor(random() * 3000)),
    () => '\u0000\ud800',
    () => true,
    () => null,
  ])();
}

function randomValue(random: Random, depth: number): unknown {
  const roll = random();
  if (depth > 4 || roll < 0.45) return randomScalar(random);
  if (roll < 0.7)
    return Array.from({ length: Math.floor(random() * 5) }, () => randomValue(random, depth + 1));
  // Built without a prototype so "__proto__" becomes a real key of the JSON text.
  const object: Record<string, unknown> = Object.create(null);
  const keys = Math.floor(random() * 5);
  for (let k = 0; k < keys; k++) object[pick(random, KEYS)] = randomValue(random, depth + 1);
  return object;
}

function randomTensor(random: Random): unknown {
  return {
    name: pick(random, ['duration', 'input-0', 'channel', '__proto__', 7]),
    shape: pick(random, [[2], [2, 1], [2, 3], [1, 4], [-1], [0], [2, 0], 'x', [1e300]]),
    datatype: pick(random, DATATYPES),
    data: random() < 0.5 ? randomValue(random, 1) : [1, 2, 3, 4, 5, 6].slice(0, Math.floor(random() * 7)),
  };
}

/** A protocol-shaped body with random parts, so generation reaches deep into each parser. */
function randomShapedBody(random: Random): unknown {
  const leaf = () => randomValue(random, 2);
  return pick(random, [
    () => ({ rows: Array.from({ length: 3 }, () => randomValue(random, 1)) }),
    () => ({ instances: [[leaf(), leaf(), leaf(), leaf()], leaf()] }),
    () => ({
      dataframe_split: { columns: pick(random, [['age', 'channel'], [leaf()], leaf()]), data: leaf() },
    }),
    () => ({ dataframe_records: [{ age: leaf(), channel: leaf() }, leaf()] }),
    () => ({ inputs: { duration: leaf(), channel: [leaf(), leaf()] } }),
    () => ({ inputs: [randomTensor(random), randomTensor(random)].slice(0, 1 + Math.floor(random() * 2)) }),
    () => ({
      inputs: [randomTensor(random)],
      outputs: [{ name: pick(random, ['predict', 'x', 3]) }],
      id: leaf(),
    }),
  ])();
}

function mutateText(random: Random, text: string): string {
  const at = Math.floor(random() * (text.length + 1));
  return pick(random, [
    () => text.slice(0, at),
    () =>
      text.slice(0, at) +
      pick(random, ['"', '{', ']', ',', '\\', '1e400', '-', 'null', '\n', '\u2028']) +
      text.slice(at),
    () =>
      text.replace(
        /\d+(\.\d+)?/,
        pick(random, ['1e400', '-1e999', '123456789012345678901234567890', '"12"']),
      ),
    () => `${'['.repeat(20_000)}${']'.repeat(random() < 0.5 ? 20_000 : 3)}`,
    () => `{"rows": ${'['.repeat(5_000)}1${']'.repeat(5_000)}}`,
    () => text.replace('"duration"', '"__proto__"'),
    () => text.replace('"amount"', '"constructor"'),
  ])();
}

function randomBody(random: Random): string | undefined {
  const roll = random();
  if (roll < 0.02) return undefined;
  if (roll < 0.35) return JSON.stringify(randomShapedBody(random));
  if (roll < 0.55) return JSON.stringify(randomValue(random, 0));
  return mutateText(random, pick(random, FIXTURES));
}

describe('malformed bodies', () => {
  it('only ever raise ServingRequestError (4xx), in every protocol', () => {
    const random = seededRandom(2024);
    const validators = [compileSignature(SIGNATURE), compileSignature(NUMERIC_SIGNATURE)];
    const other: string[] = [];
    const statuses = new Map<number, number>();
    let accepted = 0;
    for (let t = 0; t < 2_000; t++) {
      const body = randomBody(random);
      const contentType = pick(random, CONTENT_TYPES);
      for (const protocol of Object.values(PROTOCOLS)) {
        for (const validate of validators) {
          try {
            validate(protocol.parse(body, contentType).rows);
            accepted++;
          } catch (error) {
            if (!(error instanceof ServingRequestError)) {
              other.push(`${protocol.name} ${String(error)} ${String(body).slice(0, 120)}`);
              continue;
            }
            statuses.set(error.status, (statuses.get(error.status) ?? 0) + 1);
            // Writing the refusal must not throw either, and keeps the status.
            if (protocol.formatError(error, 'req').statusCode !== error.status)
              other.push(`${protocol.name} status`);
          }
        }
      }
    }
    expect(other.slice(0, 5)).toEqual([]);
    expect([...statuses.keys()].sort()).toEqual([400, 415]);
    // The generator must also produce bodies that pass, or it tests only the first checks.
    expect(accepted).toBeGreaterThan(50);
  });
});
