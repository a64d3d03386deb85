import {
  createUint64Words,
  multiplyUint64,
  wordsToBigInt,
  xorShiftRightUint64,
  type Uint64Words,
} from './uint64.js';

// libstdc++'s 64-bit _Hash_bytes multiplier 0xc6a4a7935bd1e995 as words.
const MUL_HI = 0xc6a4a793;
const MUL_LO = 0x5bd1e995;
/** Envoy's `MurmurHash::STD_HASH_SEED`, the seed ring hash uses with `MURMUR_HASH_2`. */
export const MURMUR_STD_HASH_SEED = 0xc70f6907;

const block = createUint64Words();

function readByte(bytes: Uint8Array, offset: number): number {
  return bytes[offset] ?? 0;
}

/** Reads up to 8 bytes from `offset` as a little-endian integer into `out`. */
function readLittleEndian(out: Uint64Words, bytes: Uint8Array, offset: number, count: number): void {
  out.hi = 0;
  out.lo = 0;
  for (let index = count - 1; index >= 0; index -= 1) {
    const byte = readByte(bytes, offset + index);
    if (index >= 4) out.hi = (out.hi | (byte << (8 * (index - 4)))) >>> 0;
    else out.lo = (out.lo | (byte << (8 * index))) >>> 0;
  }
}

/**
 * Computes the 64-bit MurmurHash2 of `bytes[0, length)` that Envoy's `MurmurHash::murmurHash2` computes
 * (libstdc++'s `_Hash_bytes` on 64-bit platforms), writing it to `out`.
 */
export function murmurHash2Into(out: Uint64Words, bytes: Uint8Array, length: number, seed: number): void {
  multiplyUint64(out, 0, length, MUL_HI, MUL_LO);
  out.lo = (out.lo ^ (seed >>> 0)) >>> 0;
  const alignedLength = length - (length % 8);
  for (let offset = 0; offset < alignedLength; offset += 8) {
    readLittleEndian(block, bytes, offset, 8);
    multiplyUint64(block, block.hi, block.lo, MUL_HI, MUL_LO);
    xorShiftRightUint64(block, block.hi, block.lo, 47);
    multiplyUint64(block, block.hi, block.lo, MUL_HI, MUL_LO);
    multiplyUint64(out, (out.hi ^ block.hi) >>> 0, (out.lo ^ block.lo) >>> 0, MUL_HI, MUL_LO);
  }
  if (alignedLength < length) {
    readLittleEndian(block, bytes, alignedLength, length - alignedLength);
    multiplyUint64(out, (out.hi ^ block.hi) >>> 0, (out.lo ^ block.lo) >>> 0, MUL_HI, MUL_LO);
  }
  xorShiftRightUint64(out, out.hi, out.lo, 47);
  multiplyUint64(out, out.hi, out.lo, MUL_HI, MUL_LO);
  xorShiftRightUint64(out, out.hi, out.lo, 47);
}

const ENCODER = new TextEncoder();

/** Computes Envoy's 64-bit MurmurHash2 of the UTF-8 bytes of `text` (default seed: `STD_HASH_SEED`). */
export function murmurHash2String(text: string, seed = MURMUR_STD_HASH_SEED): bigint {
  const bytes = ENCODER.encode(text);
  const out = createUint64Words();
  murmurHash2Into(out, bytes, bytes.length, seed);
  return wordsToBigInt(out.hi, out.lo);
}
