import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { InputFileError, UsageError } from '../errors.ts';
import { table } from '../format/table.ts';
import {
  CLI_PROTOCOLS,
  type CliProtocol,
  type InputDescription,
  type PredictInput,
  requestFor,
} from '../predict/request-body.ts';
import { readPredictions } from '../predict/response-table.ts';
import { localApiKey } from '../stack/cli-api-key.ts';
import { openStack, type StackSession } from '../stack/session.ts';

const USAGE =
  'usage: synergy predict <model> (--rows file.json | --csv file.csv) [--alias champion|challenger] [--version n] [--protocol native|mlflow|v2] [--url https://…] [--key syn_…] [--json]';

async function readInput(rowsFile: string | undefined, csvFile: string | undefined): Promise<PredictInput> {
  if ((rowsFile === undefined) === (csvFile === undefined)) throw new UsageError(USAGE);
  const path = (rowsFile ?? csvFile) as string;
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new InputFileError(path, `cannot read ${path}`, { cause: error });
  }
  if (csvFile !== undefined) return { kind: 'csv', text };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new InputFileError(path, `${path} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const rows = Array.isArray(json) ? json : (json as { rows?: unknown } | null)?.rows;
  if (
    !Array.isArray(rows) ||
    !rows.every((row) => typeof row === 'object' && row !== null && !Array.isArray(row))
  ) {
    throw new InputFileError(path, `${path}: expected an array of objects (or {"rows": [...]}), one per row`);
  }
  return { kind: 'records', records: rows as Record<string, unknown>[] };
}

function parseProtocol(value: string): CliProtocol {
  if (!(CLI_PROTOCOLS as readonly string[]).includes(value)) {
    throw new UsageError(`--protocol must be one of ${CLI_PROTOCOLS.join(', ')}, got "${value}"`);
  }
  return value as CliProtocol;
}

function parseVersion(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const version = Number(value);
  if (!Number.isInteger(version) || version < 1)
    throw new UsageError(`--version must be a positive integer, got "${value}"`);
  return version;
}

interface Target {
  readonly baseUrl: string;
  readonly key: string;
  readonly session: StackSession | undefined;
}

async function targetFor(url: string | undefined, key: string | undefined, root: string): Promise<Target> {
  const givenKey = key ?? process.env.SYNERGY_API_KEY;
  if (url !== undefined) {
    if (givenKey === undefined)
      throw new UsageError('--url needs --key (or SYNERGY_API_KEY): the endpoint requires an API key');
    return { baseUrl: url.replace(/\/+$/, ''), key: givenKey, session: undefined };
  }
  const session = await openStack({ root, log: (line) => process.stderr.write(`${line}\n`) });
  try {
    const api = session.endpoints.api;
    if (api === null) throw new UsageError('the local stack runs no HTTP API (start it with `synergy dev`)');
    return { baseUrl: api, key: givenKey ?? (await localApiKey(session)), session };
  } catch (error) {
    await session.close();
    throw error;
  }
}

async function call(url: string, init: RequestInit): Promise<{ response: Response; body: unknown }> {
  const response = await fetch(url, init);
  const text = await response.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // not JSON: keep the text for the message
  }
  return { response, body };
}

function errorMessage(body: unknown): string {
  if (typeof body === 'string') return body;
  const record = body as Record<string, unknown>;
  const nested = record.error;
  if (typeof nested === 'string') return nested;
  if (
    typeof nested === 'object' &&
    nested !== null &&
    typeof (nested as { message?: unknown }).message === 'string'
  ) {
    return (nested as { message: string }).message;
  }
  return typeof record.message === 'string' ? record.message : JSON.stringify(body);
}

/** `synergy predict`: scores rows through the HTTP API, in any of the three protocols. */
export async function runPredict(argv: string[], root = process.cwd()): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      rows: { type: 'string' },
      csv: { type: 'string' },
      alias: { type: 'string' },
      version: { type: 'string' },
      protocol: { type: 'string', default: 'native' },
      url: { type: 'string' },
      key: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
  });
  const model = positionals[0];
  if (model === undefined) throw new UsageError(USAGE);
  const protocol = parseProtocol(values.protocol);
  const version = parseVersion(values.version);
  if (values.alias !== undefined && version !== undefined)
    throw new UsageError('give --alias or --version, not both');
  const input = await readInput(values.rows, values.csv);
  const target = await targetFor(values.url, values.key, root);
  try {
    const name = encodeURIComponent(model);
    const versionPath = version === undefined ? '' : `/versions/${version}`;
    const query = values.alias === undefined ? '' : `?alias=${encodeURIComponent(values.alias)}`;
    const headers = { authorization: `Bearer ${target.key}` };
    let inputs: readonly InputDescription[] = [];
    if (protocol === 'v2' || (input.kind === 'csv' && protocol === 'native')) {
      const metadata = await call(`${target.baseUrl}/v2/models/${name}${versionPath}${query}`, { headers });
      if (!metadata.response.ok) {
        process.stderr.write(`synergy: ${metadata.response.status}: ${errorMessage(metadata.body)}\n`);
        return metadata.response.status < 500 ? 2 : 1;
      }
      inputs = ((metadata.body as { inputs?: InputDescription[] }).inputs ?? []).filter(
        (described) => typeof described.name === 'string',
      );
    }
    const request = requestFor(protocol, input, inputs);
    const prefix = protocol === 'v2' ? '/v2/models' : '/models';
    const { response, body } = await call(
      `${target.baseUrl}${prefix}/${name}${versionPath}/${request.action}${query}`,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': request.contentType },
        body: request.body,
      },
    );
    if (!response.ok) {
      process.stderr.write(`synergy: ${response.status}: ${errorMessage(body)}\n`);
      return response.status < 500 ? 2 : 1;
    }
    if (values.json) {
      process.stdout.write(`${JSON.stringify(body)}\n`);
      return 0;
    }
    const read = readPredictions(body, response.headers);
    process.stdout.write(
      `${read.model ?? model} version ${read.version ?? '?'}${read.alias ? ` (${read.alias})` : ''} via ${protocol}\n`,
    );
    const rows = read.rows.map((row, i) => [
      String(i + 1),
      row.label,
      row.probability === undefined ? '—' : row.probability.toFixed(4),
    ]);
    process.stdout.write(`${table(['Row', 'Prediction', 'Probability'], rows).join('\n')}\n`);
    return 0;
  } finally {
    await target.session?.close();
  }
}
