/**
 * The same rows through the three protocols the endpoint speaks: Synergy's native JSON, MLflow's scoring
 * server (`/invocations`, `dataframe_records`) and the Open Inference Protocol V2 (KServe, Triton), with
 * the request bodies `synergy predict` sends.
 */
import { type CliProtocol, type InputDescription, requestFor } from '../predict/request-body.ts';
import { type PredictionRow, readPredictions } from '../predict/response-table.ts';
import { bodyField, callEndpoint, type Endpoint, servedVersion } from './endpoint.ts';
import type { RequestRow } from './traffic.ts';

export interface ProtocolAnswer {
  readonly protocol: CliProtocol;
  /** Method and path called. */
  readonly call: string;
  readonly status: number;
  readonly ms: number;
  readonly version: number | undefined;
  readonly predictions: readonly PredictionRow[];
  /** The response body as sent (JSON text). */
  readonly body: string;
}

function isInputDescription(value: unknown): value is InputDescription {
  return typeof bodyField(value, 'name') === 'string' && typeof bodyField(value, 'datatype') === 'string';
}

/** The model's inputs as its V2 metadata describes them (the V2 request needs each one's datatype). */
async function v2Inputs(endpoint: Endpoint, model: string): Promise<InputDescription[]> {
  const answer = await callEndpoint(endpoint, `/v2/models/${encodeURIComponent(model)}`);
  const inputs = bodyField(answer.body, 'inputs');
  return Array.isArray(inputs) ? inputs.filter(isInputDescription) : [];
}

const PATHS: Readonly<Record<CliProtocol, string>> = {
  native: '/models/{name}/predict',
  mlflow: '/models/{name}/invocations',
  v2: '/v2/models/{name}/infer',
};

/** The rows must have every input: the V2 protocol has no missing values. */
export async function predictThreeWays(
  endpoint: Endpoint,
  model: string,
  rows: readonly RequestRow[],
): Promise<ProtocolAnswer[]> {
  const inputs = await v2Inputs(endpoint, model);
  const answers: ProtocolAnswer[] = [];
  for (const protocol of ['native', 'mlflow', 'v2'] as const) {
    const request = requestFor(protocol, { kind: 'records', records: rows }, inputs);
    const path = PATHS[protocol].replace('{name}', encodeURIComponent(model));
    const answer = await callEndpoint(endpoint, path, {
      method: 'POST',
      contentType: request.contentType,
      body: request.body,
    });
    answers.push({
      protocol,
      call: `POST ${path}`,
      status: answer.status,
      ms: answer.ms,
      version: servedVersion(answer),
      predictions: readPredictions(answer.body, answer.headers).rows,
      body: answer.text,
    });
  }
  return answers;
}
