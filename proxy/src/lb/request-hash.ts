import type { PickContext } from '../types.js';
import { bigIntToWords, createUint64Words, wordsToBigInt, type Uint64Words } from './uint64.js';
import { xxHash64Into } from './xxhash64.js';

const ENCODER = new TextEncoder();

/**
 * The bytes Envoy hashes for a header value. Node decodes header bytes as latin1, so a string whose code
 * units are all below 256 is turned back into exactly the bytes received; anything else is UTF-8 encoded.
 */
function encodeHeaderValue(value: string): Uint8Array {
  const bytes = new Uint8Array(value.length);
  for (let index = 0; index < value.length; index += 1) {
    const code = value.charCodeAt(index);
    if (code > 0xff) return ENCODER.encode(value);
    bytes[index] = code;
  }
  return bytes;
}

/** Hashes one header value as Envoy's header `hash_policy` does: xxHash64, seed 0, of the value's bytes. */
export function hashHeaderValue(value: string): bigint {
  const bytes = encodeHeaderValue(value);
  const out = createUint64Words();
  xxHash64Into(out, bytes, bytes.length, 0, 0);
  return wordsToBigInt(out.hi, out.lo);
}

/**
 * Hashes all values of a repeated header as Envoy does: the values are sorted (so their order does not
 * matter), then each is hashed with the previous hash as its seed (`HashUtil::xxHash64` over a span);
 * undefined when there is no value.
 */
export function hashHeaderValues(values: readonly string[]): bigint | undefined {
  if (values.length === 0) return undefined;
  const out = createUint64Words();
  for (const value of [...values].sort()) {
    const bytes = encodeHeaderValue(value);
    xxHash64Into(out, bytes, bytes.length, out.hi, out.lo);
  }
  return wordsToBigInt(out.hi, out.lo);
}

/**
 * Writes the 64-bit hash a consistent-hashing pick uses into `out`: the request's hash, or, when the route
 * has no hash policy, a random 64-bit value made of two draws (Envoy then behaves like a random balancer).
 */
export function readPickHash(out: Uint64Words, context: PickContext): void {
  if (context.hash !== undefined) {
    bigIntToWords(out, context.hash);
    return;
  }
  out.hi = context.random() >>> 0;
  out.lo = context.random() >>> 0;
}
