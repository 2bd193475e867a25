/**
 * The HTTP request and response the serving use cases see: an API Gateway HTTP API (payload 2.0) event
 * reduced to what they need, so the same code answers on AWS and behind the local node:http adapter.
 */

export interface HttpRequest {
  readonly method: string;
  /** The route as configured, e.g. `POST /models/{name}/predict` (API Gateway's routeKey). */
  readonly routeKey: string;
  readonly path: string;
  readonly pathParameters: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  /** Decoded text (base64 bodies are decoded by the function); undefined when there is none. */
  readonly body: string | undefined;
  /** API Gateway's request id: echoed in responses, logs and captured rows. */
  readonly requestId: string;
}

export interface HttpResponse {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** Lambda's synchronous payload limit, which API Gateway imposes on the request body. */
export const MAX_BODY_BYTES = 6 * 1024 * 1024;
