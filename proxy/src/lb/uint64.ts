/**
 * Unsigned 64-bit arithmetic on pairs of uint32 words, for hashing without BigInt. Every operation writes its
 * result into an out-parameter, so a hash over many bytes allocates nothing.
 */

/** A uint64 as its high and low unsigned 32-bit words; used as a reusable out-parameter. */
export interface Uint64Words {
  hi: number;
  lo: number;
}

const TWO_POW_32 = 0x1_0000_0000;

/** Creates a zeroed {@link Uint64Words}. */
export function createUint64Words(): Uint64Words {
  return { hi: 0, lo: 0 };
}

/** Sets `out` to `(a + b) mod 2^64`. */
export function addUint64(out: Uint64Words, aHi: number, aLo: number, bHi: number, bLo: number): void {
  const lo = aLo + bLo;
  out.lo = lo >>> 0;
  out.hi = (aHi + bHi + (lo >= TWO_POW_32 ? 1 : 0)) >>> 0;
}

/** Sets `out` to `(a * b) mod 2^64`. */
export function multiplyUint64(out: Uint64Words, aHi: number, aLo: number, bHi: number, bLo: number): void {
  // The low words' full 64-bit product needs 16-bit halves: a 32x32 product does not fit a double exactly.
  const a0 = aLo & 0xffff;
  const a1 = aLo >>> 16;
  const b0 = bLo & 0xffff;
  const b1 = bLo >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  out.lo = (((mid & 0xffff) << 16) | (p00 & 0xffff)) >>> 0;
  out.hi =
    (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16) + Math.imul(aHi, bLo) + Math.imul(aLo, bHi)) >>> 0;
}

/** Sets `out` to `x` rotated left by `bits`, which must be in 1..31. */
export function rotateLeftUint64(out: Uint64Words, hi: number, lo: number, bits: number): void {
  out.hi = ((hi << bits) | (lo >>> (32 - bits))) >>> 0;
  out.lo = ((lo << bits) | (hi >>> (32 - bits))) >>> 0;
}

/** Sets `out` to `x ^ (x >>> bits)`, for `bits` in 1..63. */
export function xorShiftRightUint64(out: Uint64Words, hi: number, lo: number, bits: number): void {
  if (bits >= 32) {
    out.hi = hi;
    out.lo = (lo ^ (hi >>> (bits - 32))) >>> 0;
    return;
  }
  out.hi = (hi ^ (hi >>> bits)) >>> 0;
  out.lo = (lo ^ ((lo >>> bits) | (hi << (32 - bits)))) >>> 0;
}

/** Returns `(hi * 2^32 + lo) mod modulus` exactly, for a modulus below 2^26. */
export function modUint64(hi: number, lo: number, modulus: number): number {
  // (hi mod m) * (2^32 mod m) < m^2 < 2^52 stays exact in a double.
  return ((hi % modulus) * (TWO_POW_32 % modulus) + lo) % modulus;
}

/** Converts two uint32 words to a bigint. */
export function wordsToBigInt(hi: number, lo: number): bigint {
  return (BigInt(hi) << 32n) | BigInt(lo);
}

/** Splits a bigint, taken modulo 2^64, into two uint32 words written to `out`. */
export function bigIntToWords(out: Uint64Words, value: bigint): void {
  const unsigned = BigInt.asUintN(64, value);
  out.hi = Number(unsigned >> 32n);
  out.lo = Number(unsigned & 0xffff_ffffn);
}
