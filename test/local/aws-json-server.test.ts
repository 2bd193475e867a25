/**
 * The shared AWS JSON protocol server, spoken to over loopback HTTP: X-Amz-Target dispatch, the service's
 * errors and headers, the internal-error fallback, the body decoding hook and epoch-second timestamps.
 */
import { gunzipSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type AwsJsonService,
  type StartedAwsJsonServer,
  startAwsJsonServer,
  withEpochSeconds,
} from '../../local/aws-json-server.ts';

class ToyApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
    this.name = 'ToyApiError';
  }
}

type ToyOperation = 'Echo' | 'Refuse' | 'Crash';

const toy: AwsJsonService<ToyOperation> = {
  contentType: 'application/x-amz-json-1.1',
  targetPrefix: 'Toy_20240501.',
  isOperation: (name): name is ToyOperation => ['Echo', 'Refuse', 'Crash'].includes(name),
  async run(operation, input) {
    if (operation === 'Refuse') throw new ToyApiError('NopeException', 'refused');
    if (operation === 'Crash') throw new RangeError('out of range');
    return { input };
  },
  unknownOperation: (target) => new ToyApiError('UnknownOperationException', `unknown ${target}`),
  invalidJson: () => new ToyApiError('ValidationException', 'not JSON'),
  async decodeBody(raw, request) {
    const bytes = request.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw;
    return bytes.toString('utf8');
  },
  apiError: (error) =>
    error instanceof ToyApiError
      ? {
          status: 400,
          body: { __type: error.type, message: error.message },
          headers: { 'x-toy': error.type },
        }
      : undefined,
  internalError: { type: 'InternalToyFault', headers: { 'x-toy': 'internal' } },
};

describe('startAwsJsonServer', () => {
  let server: StartedAwsJsonServer;

  beforeAll(async () => {
    server = await startAwsJsonServer(toy);
  });
  afterAll(() => server.stop());

  async function call(
    target: string | undefined,
    body: string | Buffer,
    headers: Record<string, string> = {},
  ) {
    const response = await fetch(server.endpoint, {
      method: 'POST',
      headers: { ...(target === undefined ? {} : { 'x-amz-target': target }), ...headers },
      body,
    });
    return { response, json: (await response.json()) as unknown };
  }

  it('runs the operation X-Amz-Target names with the parsed body and answers 200 JSON', async () => {
    const { response, json } = await call('Toy_20240501.Echo', '{"a":[1,"b"]}');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(response.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    expect(json).toEqual({ input: { a: [1, 'b'] } });
  });

  it('reads an empty body as {}', async () => {
    expect((await call('Toy_20240501.Echo', '')).json).toEqual({ input: {} });
  });

  it('passes the raw body through the service decoder', async () => {
    const { json } = await call('Toy_20240501.Echo', gzipSync('{"zipped":true}'), {
      'content-encoding': 'gzip',
    });
    expect(json).toEqual({ input: { zipped: true } });
  });

  it.each([
    ['a foreign prefix', 'Other.Echo'],
    ['an operation the service does not serve', 'Toy_20240501.Delete'],
    ['no target', undefined],
  ])('answers %s with the service unknown-operation error', async (_, target) => {
    const { response, json } = await call(target, '{}');
    expect(response.status).toBe(400);
    expect(response.headers.get('x-toy')).toBe('UnknownOperationException');
    expect(json).toEqual({ __type: 'UnknownOperationException', message: `unknown ${target ?? ''}` });
  });

  it('answers a body that is not JSON with the service invalid-JSON error', async () => {
    const { response, json } = await call('Toy_20240501.Echo', '{not json');
    expect(response.status).toBe(400);
    expect(json).toEqual({ __type: 'ValidationException', message: 'not JSON' });
  });

  it('answers an error the service raised with its own wire form', async () => {
    const { response, json } = await call('Toy_20240501.Refuse', '{}');
    expect(response.status).toBe(400);
    expect(json).toEqual({ __type: 'NopeException', message: 'refused' });
  });

  it('answers any other error with a 500 of the service internal type naming the error', async () => {
    const { response, json } = await call('Toy_20240501.Crash', '{}');
    expect(response.status).toBe(500);
    expect(response.headers.get('x-toy')).toBe('internal');
    expect(response.headers.get('content-type')).toBe('application/x-amz-json-1.1');
    expect(json).toEqual({ __type: 'InternalToyFault', message: 'RangeError: out of range' });
  });
});

describe('withEpochSeconds', () => {
  it('turns every Date, however nested, into epoch seconds and leaves the rest alone', () => {
    const at = new Date(Date.UTC(2024, 4, 1, 9, 30, 0, 250));
    expect(withEpochSeconds({ at, list: [at, 'x', null], nested: { n: 3, at } })).toEqual({
      at: at.getTime() / 1000,
      list: [at.getTime() / 1000, 'x', null],
      nested: { n: 3, at: at.getTime() / 1000 },
    });
  });
});
