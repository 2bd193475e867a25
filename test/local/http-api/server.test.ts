import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalStack } from '../../../local/stack.ts';
import { startLocalStack } from '../../../local/stack.ts';

const FIXTURE = fileURLToPath(new URL('../fixtures/http-app', import.meta.url));
const stateDir = mkdtempSync(join(tmpdir(), 'synergy-http-'));
const lines: string[] = [];
let stack: LocalStack;
let base: string;

beforeAll(async () => {
  stack = await startLocalStack({ root: FIXTURE, stateDir, log: (line) => lines.push(line) });
  if (stack.endpoints.http === null) throw new Error('the fixture has routes: the HTTP API should run');
  base = stack.endpoints.http;
}, 60_000);
afterAll(async () => {
  await stack?.stop();
  rmSync(stateDir, { recursive: true, force: true });
});

interface Echo {
  version: string;
  routeKey: string;
  rawPath: string;
  rawQueryString: string;
  cookies?: string[];
  headers: Record<string, string>;
  queryStringParameters?: Record<string, string>;
  pathParameters?: Record<string, string>;
  requestContext: {
    accountId: string;
    apiId: string;
    domainName: string;
    http: { method: string; path: string; protocol: string; sourceIp: string; userAgent: string };
    requestId: string;
    routeKey: string;
    stage: string;
    time: string;
    timeEpoch: number;
    authorizer?: { lambda: Record<string, unknown> | null };
  };
  body?: string;
  bodyLength?: number;
  isBase64Encoded: boolean;
}

async function call(path: string, init?: RequestInit) {
  const response = await fetch(`${base}${path}`, init);
  const text = await response.text();
  return { status: response.status, headers: response.headers, text };
}

async function echo(path: string, init?: RequestInit): Promise<Echo> {
  const { status, text } = await call(path, init);
  expect(status).toBe(200);
  return JSON.parse(text) as Echo;
}

/** A raw request: chunked, with a lying Content-Length or repeated headers, which fetch will not send. */
function rawRequest(
  path: string,
  headers: Record<string, string | string[]>,
  write: (send: (chunk: Buffer) => boolean) => Promise<void>,
  method = 'POST',
): Promise<{ status: number; text: string; connection: string | undefined }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(`${base}${path}`, { method, headers }, (response) => {
      let text = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        text += chunk;
      });
      response.on('end', () =>
        resolve({ status: response.statusCode ?? 0, text, connection: response.headers.connection }),
      );
    });
    // The server answers and closes before the upload ends: the client's writes may then fail.
    request.on('error', (error) => (request.writableEnded ? undefined : reject(error)));
    write((chunk) => request.write(chunk))
      .then(() => request.end())
      .catch(() => {});
  });
}

describe('routing', () => {
  it('answers an unknown path or method with 404 Not Found', async () => {
    for (const [method, path] of [
      ['GET', '/nowhere'],
      ['DELETE', '/echo/1'],
      ['GET', '/echo'],
      ['GET', '/echo/1/2'],
    ]) {
      const { status, text, headers } = await call(path, { method });
      expect({ method, path, status, text }).toEqual({
        method,
        path,
        status: 404,
        text: '{"message":"Not Found"}',
      });
      expect(headers.get('content-type')).toBe('application/json');
    }
  });

  it('prefers a literal segment to a variable, and an exact method to ANY', async () => {
    expect((await echo('/items/special')).routeKey).toBe('GET /items/special');
    const item = await echo('/items/other');
    expect(item.routeKey).toBe('GET /items/{id}');
    expect(item.pathParameters).toEqual({ id: 'other' });
    const get = await echo('/files/a/b/c.txt');
    expect(get.routeKey).toBe('GET /files/{proxy+}');
    expect(get.pathParameters).toEqual({ proxy: 'a/b/c.txt' });
    const put = await echo('/files/a/b', {
      method: 'PUT',
      body: 'x',
      headers: { 'content-type': 'text/plain' },
    });
    expect(put.routeKey).toBe('ANY /files/{proxy+}');
    expect(put.requestContext.http.method).toBe('PUT');
  });
});

describe('the payload 2.0 event', () => {
  it('carries path and query parameters, lower-case headers joined by commas, and cookies apart', async () => {
    // node:http, not fetch: fetch folds repeated headers into one line before sending.
    const answer = await rawRequest(
      '/echo/caf%C3%A9?tag=a&tag=b&empty=&q=hello%20world',
      { 'X-Repeated': ['one', 'two'], Cookie: 'session=abc; theme=dark', 'User-Agent': 'synergy-test/1' },
      async () => {},
      'GET',
    );
    expect(answer.status).toBe(200);
    const event = JSON.parse(answer.text) as Echo;
    expect(event).toMatchObject({
      version: '2.0',
      routeKey: 'GET /echo/{id}',
      rawPath: '/echo/caf%C3%A9',
      rawQueryString: 'tag=a&tag=b&empty=&q=hello%20world',
      cookies: ['session=abc', 'theme=dark'],
      queryStringParameters: { tag: 'a,b', empty: '', q: 'hello world' },
      pathParameters: { id: 'café' },
      isBase64Encoded: false,
    });
    expect(event.headers['x-repeated']).toBe('one,two');
    expect(event.headers['user-agent']).toBe('synergy-test/1');
    expect(event.headers.cookie).toBeUndefined();
    expect(event.body).toBeUndefined();
    const { requestContext } = event;
    expect(requestContext).toMatchObject({
      accountId: stack.config.accountId,
      domainName: new URL(base).host,
      http: {
        method: 'GET',
        path: '/echo/caf%C3%A9',
        protocol: 'HTTP/1.1',
        sourceIp: '127.0.0.1',
        userAgent: 'synergy-test/1',
      },
      routeKey: 'GET /echo/{id}',
      stage: '$default',
    });
    expect(requestContext.apiId).toMatch(/^[0-9a-z]{10}$/);
    expect(requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(requestContext.timeEpoch - Date.now())).toBeLessThan(60_000);
    expect(requestContext.authorizer).toBeUndefined();
  });

  it('gives every request its own request id, echoed in apigw-requestid', async () => {
    const answers = await Promise.all([1, 2, 3].map(() => call('/echo/1')));
    const ids = answers.map(({ text }) => (JSON.parse(text) as Echo).requestContext.requestId);
    expect(new Set(ids).size).toBe(3);
    expect(answers.map(({ headers }) => headers.get('apigw-requestid'))).toEqual(ids);
  });

  it('passes a text body as text and a binary body in base64', async () => {
    const json = await echo('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: '{"rows":[{"a":"é"}]}',
    });
    expect(json).toMatchObject({
      body: '{"rows":[{"a":"é"}]}',
      isBase64Encoded: false,
      routeKey: 'POST /echo',
    });
    const bytes = Buffer.from([0, 255, 1, 128, 10]);
    const binary = await echo('/echo', {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });
    expect(binary.isBase64Encoded).toBe(true);
    expect(Buffer.from(binary.body ?? '', 'base64')).toEqual(bytes);
    // Declared as text but not UTF-8: API Gateway cannot pass it as text either.
    const invalid = await echo('/echo', {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: bytes,
    });
    expect(invalid.isBase64Encoded).toBe(true);
  });
});

describe('the response', () => {
  it('sends status, headers, cookies and body of a result with a statusCode', async () => {
    const { status, headers, text } = await call('/respond?status=201');
    expect(status).toBe(201);
    expect(text).toBe('plain text');
    expect(headers.get('x-custom')).toBe('yes');
    expect(headers.get('content-type')).toBe('text/plain');
    expect(headers.getSetCookie()).toEqual(['a=1; Path=/', 'b=2']);
  });

  it('decodes a base64 body', async () => {
    const { status, text } = await call('/respond?status=202&base64=d%C3%A9cod%C3%A9');
    expect(status).toBe(202);
    expect(text).toBe('décodé');
  });

  it('sends any other result as JSON with status 200', async () => {
    const { status, headers, text } = await call('/plain');
    expect(status).toBe(200);
    expect(headers.get('content-type')).toBe('application/json');
    expect(JSON.parse(text)).toEqual({ plain: true, route: 'GET /plain' });
  });

  it('answers a thrown error and a timeout with 500 Internal Server Error', async () => {
    for (const path of ['/throw', '/slow']) {
      const { status, text } = await call(path);
      expect({ path, status, text }).toEqual({
        path,
        status: 500,
        text: '{"message":"Internal Server Error"}',
      });
    }
    expect(
      lines.some((line) => line.includes('GET /throw → api failed: TypeError: handler failed on purpose')),
    ).toBe(true);
    expect(lines.some((line) => line.includes('GET /slow → api failed: Sandbox.Timedout'))).toBe(true);
  });
});

describe('the 6 MB body limit', () => {
  const tooLarge = '{"message":"Request Entity Too Large"}';

  it('accepts a body just under the limit', async () => {
    const body = 'x'.repeat(6 * 1024 * 1024 - 1024);
    const event = await echo('/echo', { method: 'POST', headers: { 'content-type': 'text/plain' }, body });
    expect(event.bodyLength).toBe(body.length);
  });

  it('refuses a declared Content-Length over the limit before reading it', async () => {
    const answer = await rawRequest(
      '/echo',
      { 'content-type': 'text/plain', 'content-length': String(7 * 1024 * 1024) },
      async (send) => {
        send(Buffer.from('only the start'));
        await new Promise((resolve) => setTimeout(resolve, 2000));
      },
    );
    expect(answer).toEqual({ status: 413, text: tooLarge, connection: 'close' });
  });

  it('stops reading a chunked body once it passes the limit', async () => {
    const chunk = Buffer.alloc(256 * 1024, 120);
    let sent = 0;
    const answer = await rawRequest('/echo', { 'content-type': 'text/plain' }, async (send) => {
      // Up to 64 MB, but the server should answer after ~6 MB and close the connection.
      for (let i = 0; i < 256; i++) {
        sent += chunk.length;
        if (!send(chunk)) await new Promise((resolve) => setTimeout(resolve, 5));
      }
    });
    expect(answer).toEqual({ status: 413, text: tooLarge, connection: 'close' });
    expect(sent).toBeLessThan(64 * 1024 * 1024);
  });
});

describe('Lambda authorizers', () => {
  const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

  it('answers 401 without calling the authorizer when the identity source is missing', async () => {
    const missingHeader = await call('/private');
    expect(missingHeader).toMatchObject({ status: 401, text: '{"message":"Unauthorized"}' });
    // Two identity sources: both must be present.
    const missingQuery = await call('/private/uncached', bearer('allow-ann'));
    expect(missingQuery).toMatchObject({ status: 401, text: '{"message":"Unauthorized"}' });
  });

  it('answers 403 when the authorizer refuses and 500 when it fails', async () => {
    expect(await call('/private', bearer('nobody'))).toMatchObject({
      status: 403,
      text: '{"message":"Forbidden"}',
    });
    expect(await call('/private', bearer('throw'))).toMatchObject({
      status: 500,
      text: '{"message":"Internal Server Error"}',
    });
    expect(
      lines.some((line) => line.includes('authorizer cached failed: Error: authorizer failed on purpose')),
    ).toBe(true);
  });

  it("passes an authorized request on with the authorizer's context and the 2.0 REQUEST event it got", async () => {
    const event = await echo('/private', bearer('allow-ann'));
    const context = event.requestContext.authorizer?.lambda;
    expect(context).toMatchObject({ user: 'ann', type: 'REQUEST', identitySource: ['Bearer allow-ann'] });
    expect(context?.routeArn).toBe(
      `arn:aws:execute-api:${stack.config.region}:${stack.config.accountId}:${event.requestContext.apiId}/$default/GET/private`,
    );
  });

  it('reuses a cached answer for the same identity until resultTtlInSeconds passes', async () => {
    const nonce = async (token: string) =>
      (await echo('/private', bearer(token))).requestContext.authorizer?.lambda?.nonce;
    const first = await nonce('allow-bob');
    expect(await nonce('allow-bob')).toBe(first);
    const other = await nonce('allow-carol');
    expect(other).not.toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(await nonce('allow-bob')).not.toBe(first);
  });

  it('calls an authorizer with a TTL of 0 for every request', async () => {
    const nonce = async () =>
      (await echo('/private/uncached?tenant=t1', bearer('allow-dan'))).requestContext.authorizer?.lambda
        ?.nonce;
    expect(await nonce()).not.toBe(await nonce());
  });

  it('evaluates an IAM policy answer against the route ARN', async () => {
    const allowed = await echo('/private/policy/north', bearer('area-north'));
    expect(allowed.requestContext.authorizer?.lambda).toEqual({ area: 'north' });
    expect(await call('/private/policy/south', bearer('area-north'))).toMatchObject({ status: 403 });
  });
});

describe('under load', () => {
  it('answers every one of many parallel requests, each with its own event', async () => {
    const ids = Array.from({ length: 300 }, (_, i) => String(i));
    const events = await Promise.all(ids.map((id) => echo(`/echo/${id}`)));
    expect(events.map((event) => event.pathParameters?.id)).toEqual(ids);
    expect(new Set(events.map((event) => event.requestContext.requestId)).size).toBe(ids.length);
  });
});
