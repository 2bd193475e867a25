/**
 * The endpoint's routes (API Gateway routeKeys, as serverless.yml declares them on the predict function)
 * and what each one does.
 */
import type { ProtocolName } from './protocols/protocol.ts';

export type RouteAction =
  | { readonly kind: 'score'; readonly protocol: ProtocolName }
  | { readonly kind: 'live' }
  | { readonly kind: 'ready' }
  | { readonly kind: 'metadata' }
  | { readonly kind: 'modelReady' };

export const SERVING_ROUTES: ReadonlyMap<string, RouteAction> = new Map<string, RouteAction>([
  ['POST /models/{name}/predict', { kind: 'score', protocol: 'native' }],
  ['POST /models/{name}/versions/{version}/predict', { kind: 'score', protocol: 'native' }],
  ['POST /models/{name}/invocations', { kind: 'score', protocol: 'mlflow' }],
  ['POST /models/{name}/versions/{version}/invocations', { kind: 'score', protocol: 'mlflow' }],
  ['GET /v2/health/live', { kind: 'live' }],
  ['GET /v2/health/ready', { kind: 'ready' }],
  ['GET /v2/models/{name}', { kind: 'metadata' }],
  ['GET /v2/models/{name}/versions/{version}', { kind: 'metadata' }],
  ['GET /v2/models/{name}/ready', { kind: 'modelReady' }],
  ['GET /v2/models/{name}/versions/{version}/ready', { kind: 'modelReady' }],
  ['POST /v2/models/{name}/infer', { kind: 'score', protocol: 'v2' }],
  ['POST /v2/models/{name}/versions/{version}/infer', { kind: 'score', protocol: 'v2' }],
]);

/** The routes that need no API key (the authorizer is not attached to them). */
export const OPEN_ROUTES: readonly string[] = ['GET /v2/health/live', 'GET /v2/health/ready'];
