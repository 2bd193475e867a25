/**
 * How API Gateway turns a payload 2.0 function result into the HTTP response: a result with a
 * `statusCode` gives the status, headers, cookies and body (base64-decoded when isBase64Encoded); any
 * other value is sent as JSON with status 200.
 */
import type { OutgoingHttpHeaders } from 'node:http';

export interface ApiResponse {
  readonly statusCode: number;
  readonly headers: OutgoingHttpHeaders;
  readonly body: Buffer | string;
}

/** API Gateway's own answers. */
export const GATEWAY_MESSAGES = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
} as const;

export type GatewayStatus = keyof typeof GATEWAY_MESSAGES;

export function gatewayResponse(statusCode: GatewayStatus): ApiResponse {
  return {
    statusCode,
    headers: { 'content-type': 'application/json' },
    body: `{"message":"${GATEWAY_MESSAGES[statusCode]}"}`,
  };
}

/** undefined when the result is not a response API Gateway can send (it then answers 500). */
export function responseOf(result: unknown): ApiResponse | undefined {
  if (!isRecord(result) || result.statusCode === undefined) {
    return {
      statusCode: 200,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(result) ?? 'null',
    };
  }
  const statusCode = Number(result.statusCode);
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) return undefined;
  const headers: OutgoingHttpHeaders = {};
  if (isRecord(result.headers)) {
    for (const [name, value] of Object.entries(result.headers)) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
  }
  if (Array.isArray(result.cookies) && result.cookies.length > 0) {
    headers['set-cookie'] = result.cookies.map(String);
  }
  const raw = result.body;
  const text = raw === undefined || raw === null ? '' : typeof raw === 'string' ? raw : JSON.stringify(raw);
  const body = result.isBase64Encoded === true ? Buffer.from(text, 'base64') : text;
  return { statusCode, headers, body };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
