/**
 * The serving use case: one HTTP request (an API Gateway v2 route) → one response. Resolves the version
 * (path version, `?alias=`, canary weights, champion), validates the rows against its signature, scores
 * them, formats the answer in the route's protocol, then lets a shadow version score the same rows (its
 * answer logged, never returned), offers the rows to capture and records per-alias metrics.
 *
 * Every refusal a client can cause is a ServingRequestError formatted by the protocol with its 4xx (or
 * 503 for a version that cannot be loaded); anything else is a bug, answered 500 without details.
 */
import { capturedRows } from './captured-rows.ts';
import type { ServingDeps } from './deps.ts';
import { ServingRequestError } from './errors.ts';
import type { HttpRequest, HttpResponse } from './http.ts';
import { PROTOCOLS, type ProtocolName, type ServingProtocol } from './protocols/index.ts';
import { v2LiveBody, v2ModelMetadata, v2ModelReadyBody, v2Protocol, v2ReadyBody } from './protocols/v2.ts';
import { resolveTarget, selectorOf, type Target } from './routing.ts';
import type { Scored } from './rows.ts';
import { scoreRecords } from './score.ts';
import { dimensionsOf, recordRequest } from './serving-metrics.ts';
import { checkBodySize, modelNameOf } from './serving-request.ts';
import { internalError, jsonAnswer, withHeaders } from './serving-response.ts';
import { type RouteAction, SERVING_ROUTES } from './serving-routes.ts';
import { runtimeOf, type ServingRuntime } from './serving-runtime.ts';
import { scoreShadow } from './shadow.ts';

export { releaseServing } from './serving-runtime.ts';

async function handleScore(
  deps: ServingDeps,
  request: HttpRequest,
  protocolName: ProtocolName,
): Promise<HttpResponse> {
  const started = performance.now();
  const protocol: ServingProtocol = PROTOCOLS[protocolName];
  const runtime = runtimeOf(deps);
  let target: Target | undefined;
  try {
    checkBodySize(request.body);
    const modelName = modelNameOf(request);
    const selector = selectorOf(request);
    const found = await resolveTarget(runtime.resolver, modelName, selector, deps.random);
    target = found;
    const parsed = protocol.parse(request.body, request.headers['content-type']);
    const { records, classes, scores } = await runtime.models.use(found.record, (model) => {
      const validated = model.validate(parsed.rows);
      return { records: validated, classes: model.loaded.classes, scores: scoreRecords(model, validated) };
    });
    const scored: Scored = {
      modelName: found.record.modelName,
      version: found.record.version,
      alias: found.alias,
      classes,
      labels: scores.labels,
      probabilities: scores.probabilities,
      requestId: request.requestId,
    };
    const response = protocol.format(scored, parsed);
    // The thunk runs (synchronously) only for a sampled request: unsampled ones pay for no timestamp.
    deps.capture.offer(() => capturedRows(scored, records, deps.clock.now().toISOString()));
    deps.metrics.add('PredictRows', 'Count', records.length, dimensionsOf(found));
    // Latency of the answer itself: a shadow's time would blur the comparison between aliases.
    recordRequest(deps, found, response.statusCode, started);
    if (selector.kind === 'routed') {
      await scoreShadow(deps, runtime, selector, found, records, scores.labels, request.requestId);
    }
    return withHeaders(response, request.requestId, found);
  } catch (error) {
    const response =
      error instanceof ServingRequestError
        ? protocol.formatError(error, request.requestId)
        : internalError(deps, request, error);
    recordRequest(deps, target, response.statusCode, started);
    return withHeaders(response, request.requestId, target);
  }
}

/** A V2 GET without a version or alias describes the champion: metadata is not a canary draw. */
async function describedTarget(runtime: ServingRuntime, request: HttpRequest): Promise<Target> {
  const modelName = modelNameOf(request);
  const selector = selectorOf(request);
  return resolveTarget(
    runtime.resolver,
    modelName,
    selector.kind === 'routed' ? { kind: 'alias', alias: 'champion' } : selector,
    () => 0,
  );
}

async function handleV2Get(
  deps: ServingDeps,
  request: HttpRequest,
  kind: 'metadata' | 'modelReady',
): Promise<HttpResponse> {
  const runtime = runtimeOf(deps);
  let target: Target | undefined;
  let response: HttpResponse;
  try {
    const found = await describedTarget(runtime, request);
    target = found;
    if (kind === 'metadata') {
      const versions = await runtime.resolver.versions(found.record.modelName);
      response = jsonAnswer(
        200,
        v2ModelMetadata(
          found.record,
          versions.map((record) => record.version),
        ),
      );
    } else {
      const ready = await runtime.models
        .use(found.record, () => true)
        .catch((error: unknown) => {
          if (error instanceof ServingRequestError && error.status === 503) return false;
          throw error;
        });
      response = jsonAnswer(ready ? 200 : 503, v2ModelReadyBody(found.record.modelName, ready));
    }
  } catch (error) {
    response =
      error instanceof ServingRequestError
        ? v2Protocol.formatError(error, request.requestId)
        : internalError(deps, request, error);
  }
  return withHeaders(response, request.requestId, target);
}

function notFoundRoute(request: HttpRequest): HttpResponse {
  const error = new ServingRequestError(404, 'no such route', { field: 'path' });
  return withHeaders(PROTOCOLS.native.formatError(error, request.requestId), request.requestId, undefined);
}

function dispatch(deps: ServingDeps, request: HttpRequest, action: RouteAction): Promise<HttpResponse> {
  switch (action.kind) {
    case 'score':
      return handleScore(deps, request, action.protocol);
    case 'live':
      return Promise.resolve(withHeaders(jsonAnswer(200, v2LiveBody()), request.requestId, undefined));
    case 'ready':
      return Promise.resolve(withHeaders(jsonAnswer(200, v2ReadyBody(true)), request.requestId, undefined));
    case 'metadata':
    case 'modelReady':
      return handleV2Get(deps, request, action.kind);
  }
}

/**
 * Answers one request of the serving routes. Never throws: a refusal is the protocol's error response,
 * and an unexpected failure is a 500 whose details are logged, not returned.
 */
export async function handleServingRequest(deps: ServingDeps, request: HttpRequest): Promise<HttpResponse> {
  try {
    const action = SERVING_ROUTES.get(request.routeKey);
    if (action === undefined) return notFoundRoute(request);
    return await dispatch(deps, request, action);
  } catch (error) {
    return internalError(deps, request, error);
  }
}
