/**
 * Typed arrays in JSON as base64 of their little-endian bytes: a 10⁵-node forest then parses as a few long
 * strings instead of 10⁵ JSON numbers, and float64s keep every bit (−0 and all).
 */
import { ModelFormatError } from '../../errors.ts';
import { decodeBase64, encodeBase64 } from './base64.ts';

/** Non-negative integers, each stored in the fewest bytes that hold the largest. */
export interface PackedUints {
  readonly bytes: 1 | 2 | 4;
  readonly base64: string;
}

const LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

/** `values` must be integers in [0, 2³²). */
export function packUints(values: ArrayLike<number>): PackedUints {
  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i] > max) max = values[i];
  if (max < 256) return { bytes: 1, base64: encodeBase64(Uint8Array.from(values)) };
  if (max < 65536) return { bytes: 2, base64: encodeBase64(littleEndianBytes(Uint16Array.from(values))) };
  return { bytes: 4, base64: encodeBase64(littleEndianBytes(Uint32Array.from(values))) };
}

/**
 * The integers as an Int32Array (one element type, so the loops reading them stay monomorphic); a 4-byte
 * value of 2³¹ or more comes out negative, which every reader's range checks refuse.
 */
export function unpackUints(json: unknown, where: string): Int32Array {
  if (typeof json !== 'object' || json === null)
    throw new ModelFormatError(`${where} is not packed integers`);
  const { bytes, base64 } = json as Record<string, unknown>;
  const raw = decodeBase64(base64, `${where}.base64`);
  if ((bytes !== 1 && bytes !== 2 && bytes !== 4) || raw.length % bytes !== 0) {
    throw new ModelFormatError(`${where}: bytes must be 1, 2 or 4 and divide the data's length`);
  }
  if (!LITTLE_ENDIAN) swapBytes(raw, bytes);
  if (bytes === 4) return new Int32Array(raw.buffer);
  return new Int32Array(bytes === 2 ? new Uint16Array(raw.buffer) : raw);
}

export function packFloat64s(values: Float64Array): string {
  return encodeBase64(littleEndianBytes(values));
}

export function unpackFloat64s(json: unknown, where: string): Float64Array {
  const raw = decodeBase64(json, where);
  if (raw.length % 8 !== 0) throw new ModelFormatError(`${where} does not hold whole float64s`);
  if (!LITTLE_ENDIAN) swapBytes(raw, 8);
  return new Float64Array(raw.buffer);
}

/** The array's bytes in little-endian order (a copy on big-endian machines). */
function littleEndianBytes(values: Uint16Array | Uint32Array | Float64Array): Uint8Array {
  const raw = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
  if (LITTLE_ENDIAN) return raw;
  const copy = raw.slice();
  swapBytes(copy, values.BYTES_PER_ELEMENT);
  return copy;
}

function swapBytes(raw: Uint8Array, width: number): void {
  for (let i = 0; i < raw.length; i += width) raw.subarray(i, i + width).reverse();
}
