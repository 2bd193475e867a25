/**
 * Reads a request body up to a limit. Past the limit it stops collecting at once — the client learns
 * from a 413 and a closed connection — so an oversized upload is never held in memory.
 */
import type { IncomingMessage } from 'node:http';

/** undefined: the request has no body. */
export type BodyOutcome = Buffer | undefined | 'too-large';

/** Without Content-Length or Transfer-Encoding an HTTP/1.1 request has no body (RFC 9112 §6.3). */
export function declaresBody(request: IncomingMessage): boolean {
  const length = request.headers['content-length'];
  return (length !== undefined && length !== '0') || request.headers['transfer-encoding'] !== undefined;
}

/** A declared Content-Length already past the limit: refused before a byte is read. */
export function declaredTooLarge(request: IncomingMessage, limit: number): boolean {
  const length = Number(request.headers['content-length']);
  return Number.isFinite(length) && length > limit;
}

export function readBody(request: IncomingMessage, limit: number): Promise<BodyOutcome> {
  if (!declaresBody(request)) return Promise.resolve(undefined);
  if (declaredTooLarge(request, limit)) return Promise.resolve('too-large');
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        cleanup();
        chunks.length = 0;
        request.pause();
        resolve('too-large');
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = () => {
      cleanup();
      resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const cleanup = () => {
      request.off('data', onData);
      request.off('end', onEnd);
      request.off('error', onError);
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', onError);
  });
}
