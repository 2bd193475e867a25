/** Step Functions' 256 KiB limit on what a state passes on (task results, Map outputs, execution input). */
import { StateError } from './errors.ts';
import type { JsonValue } from './json.ts';

export const MAX_PAYLOAD_BYTES = 256 * 1024;

export function assertWithinPayloadLimit(stateName: string, output: JsonValue): JsonValue {
  const bytes = Buffer.byteLength(JSON.stringify(output));
  if (bytes > MAX_PAYLOAD_BYTES) {
    // AWS: a terminal error States.ALL does not catch; the library has no "catch by name only", so none does.
    throw new StateError(
      'States.DataLimitExceeded',
      `The state/task '${stateName}' returned a result with a size exceeding the maximum number of bytes service limit (${bytes} > ${MAX_PAYLOAD_BYTES}).`,
      { retryable: false, catchable: false },
    );
  }
  return output;
}
