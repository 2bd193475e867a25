/** Checks of the request envelope made before any lookup: body size and the model name. */
import { ServingRequestError } from './errors.ts';
import { type HttpRequest, MAX_BODY_BYTES } from './http.ts';

/** Bytes of the UTF-8 body, computed only when its length in characters leaves any doubt. */
export function checkBodySize(body: string | undefined): void {
  if (body === undefined || body.length * 3 <= MAX_BODY_BYTES) return;
  if (body.length > MAX_BODY_BYTES || Buffer.byteLength(body, 'utf8') > MAX_BODY_BYTES) {
    throw new ServingRequestError(413, `body: larger than ${MAX_BODY_BYTES} bytes`, { field: 'body' });
  }
}

/**
 * A model name is a dataset folder of an S3 key (≤ 1024 bytes), so a longer one cannot exist: refused
 * here, before it reaches DynamoDB, whose key size limit would fail the lookup as a server error.
 */
const MAX_MODEL_NAME_BYTES = 1024;

export function modelNameOf(request: HttpRequest): string {
  const name = Object.hasOwn(request.pathParameters, 'name') ? request.pathParameters.name : undefined;
  if (name === undefined || name.length === 0) {
    throw new ServingRequestError(400, 'name: the model name is missing from the path', { field: 'name' });
  }
  if (name.length > MAX_MODEL_NAME_BYTES && Buffer.byteLength(name, 'utf8') > MAX_MODEL_NAME_BYTES) {
    throw new ServingRequestError(404, `no model named ${name.slice(0, 40)}…`, { field: 'name' });
  }
  return name;
}
