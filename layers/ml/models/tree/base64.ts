/**
 * Standard base64 (RFC 4648, with padding) over Uint8Array, written out so `layers/ml` needs neither
 * node:buffer nor the slow string-based atob/btoa: binary model arrays decode in one pass.
 */
import { ModelFormatError } from '../../errors.ts';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const CODES = Uint8Array.from(ALPHABET, (c) => c.charCodeAt(0));
/** UTF-16 code unit → its 6 bits, or 255 for one outside the alphabet. */
const SEXTETS = new Uint8Array(65536).fill(255);
for (let k = 0; k < 64; k++) SEXTETS[CODES[k]] = k;
/** Characters per String.fromCharCode call: well under every engine's argument limit. */
const CHUNK = 8192;

export function encodeBase64(bytes: Uint8Array): string {
  const n = bytes.length;
  const chars = new Uint16Array(Math.ceil(n / 3) * 4);
  let o = 0;
  let i = 0;
  for (; i + 2 < n; i += 3) {
    const v = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    chars[o++] = CODES[v >> 18];
    chars[o++] = CODES[(v >> 12) & 63];
    chars[o++] = CODES[(v >> 6) & 63];
    chars[o++] = CODES[v & 63];
  }
  const rest = n - i;
  if (rest > 0) {
    const v = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    chars[o++] = CODES[v >> 18];
    chars[o++] = CODES[(v >> 12) & 63];
    chars[o++] = rest === 2 ? CODES[(v >> 6) & 63] : 61; // '='
    chars[o++] = 61;
  }
  let text = '';
  for (let k = 0; k < chars.length; k += CHUNK) {
    text += String.fromCharCode.apply(null, chars.subarray(k, k + CHUNK) as unknown as number[]);
  }
  return text;
}

/** The bytes of a padded base64 string; anything else (bad length, character or padding) is refused. */
export function decodeBase64(text: unknown, where: string): Uint8Array {
  const fail = (): never => {
    throw new ModelFormatError(`${where} is not valid base64`);
  };
  if (typeof text !== 'string' || text.length % 4 !== 0)
    throw new ModelFormatError(`${where} is not valid base64`);
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const bytes = new Uint8Array((text.length / 4) * 3 - padding);
  const full = text.length - (padding > 0 ? 4 : 0);
  // The padded last group first, so nothing but the return follows the hot loop (V8 enters that loop
  // optimised mid-call; code after it would have no type feedback yet and deoptimise every call).
  if (padding > 0) {
    const a = SEXTETS[text.charCodeAt(full)];
    const b = SEXTETS[text.charCodeAt(full + 1)];
    const c = padding === 1 ? SEXTETS[text.charCodeAt(full + 2)] : 0;
    // The bits the padding drops must be zero, so each byte string has exactly one encoding.
    if ((a | b | c) > 63 || (padding === 2 ? b & 15 : c & 3) !== 0) fail();
    const at = (full / 4) * 3;
    bytes[at] = (a << 2) | (b >> 4);
    if (padding === 1) bytes[at + 1] = ((b & 15) << 4) | (c >> 2);
  }
  let o = 0;
  // An out-of-alphabet character gives 255, whose high bits survive the OR: one test per 4 characters.
  for (let i = 0; i < full; i += 4) {
    const a = SEXTETS[text.charCodeAt(i)];
    const b = SEXTETS[text.charCodeAt(i + 1)];
    const c = SEXTETS[text.charCodeAt(i + 2)];
    const d = SEXTETS[text.charCodeAt(i + 3)];
    if ((a | b | c | d) > 63) fail();
    bytes[o++] = (a << 2) | (b >> 4);
    bytes[o++] = ((b & 15) << 4) | (c >> 2);
    bytes[o++] = ((c & 3) << 6) | d;
  }
  return bytes;
}
