import {
  addUint64,
  createUint64Words,
  multiplyUint64,
  rotateLeftUint64,
  wordsToBigInt,
  xorShiftRightUint64,
  type Uint64Words,
} from './uint64.js';

// XXH64's five primes as (high, low) words.
const P1_HI = 0x9e3779b1;
const P1_LO = 0x85ebca87;
const P2_HI = 0xc2b2ae3d;
const P2_LO = 0x27d4eb4f;
const P3_HI = 0x165667b1;
const P3_LO = 0x9e3779f9;
const P4_HI = 0x85ebca77;
const P4_LO = 0xc2b2ae63;
const P5_HI = 0x27d4eb2f;
const P5_LO = 0x165667c5;

// 2^64 - P1, for the fourth lane's start value.
const NEGATIVE_P1_HI = 0x61c8864e;
const NEGATIVE_P1_LO = 0x7a143579;

const STRIPE_BYTES = 32;
const LANE_ROTATIONS = [1, 7, 12, 18] as const;
const scratch = createUint64Words();
const lanes = new Uint32Array(8);

function readUint32(bytes: Uint8Array, offset: number): number {
  return (
    ((bytes[offset] ?? 0) |
      ((bytes[offset + 1] ?? 0) << 8) |
      ((bytes[offset + 2] ?? 0) << 16) |
      ((bytes[offset + 3] ?? 0) << 24)) >>>
    0
  );
}

/** XXH64's round: acc = rotl(acc + input * P2, 31) * P1, written to `out`. */
function mixRound(out: Uint64Words, accHi: number, accLo: number, inHi: number, inLo: number): void {
  multiplyUint64(out, inHi, inLo, P2_HI, P2_LO);
  addUint64(out, accHi, accLo, out.hi, out.lo);
  rotateLeftUint64(out, out.hi, out.lo, 31);
  multiplyUint64(out, out.hi, out.lo, P1_HI, P1_LO);
}

/** Folds one accumulator lane into the hash `out`: out = (out ^ round(0, lane)) * P1 + P4. */
function mergeLane(out: Uint64Words, laneHi: number, laneLo: number): void {
  const hashHi = out.hi;
  const hashLo = out.lo;
  mixRound(scratch, 0, 0, laneHi, laneLo);
  multiplyUint64(out, (hashHi ^ scratch.hi) >>> 0, (hashLo ^ scratch.lo) >>> 0, P1_HI, P1_LO);
  addUint64(out, out.hi, out.lo, P4_HI, P4_LO);
}

/** Runs the 32-byte stripe loop and leaves the converged accumulator in `out`; returns bytes consumed. */
function consumeStripes(
  out: Uint64Words,
  bytes: Uint8Array,
  length: number,
  seedHi: number,
  seedLo: number,
): number {
  // The four lanes start at seed + P1 + P2, seed + P2, seed and seed - P1.
  addUint64(scratch, seedHi, seedLo, P1_HI, P1_LO);
  addUint64(scratch, scratch.hi, scratch.lo, P2_HI, P2_LO);
  lanes[0] = scratch.hi;
  lanes[1] = scratch.lo;
  addUint64(scratch, seedHi, seedLo, P2_HI, P2_LO);
  lanes[2] = scratch.hi;
  lanes[3] = scratch.lo;
  lanes[4] = seedHi;
  lanes[5] = seedLo;
  addUint64(scratch, seedHi, seedLo, NEGATIVE_P1_HI, NEGATIVE_P1_LO);
  lanes[6] = scratch.hi;
  lanes[7] = scratch.lo;
  let offset = 0;
  for (; offset + STRIPE_BYTES <= length; offset += STRIPE_BYTES) {
    for (let lane = 0; lane < 4; lane += 1) {
      const at = offset + lane * 8;
      mixRound(
        out,
        lanes[2 * lane] ?? 0,
        lanes[2 * lane + 1] ?? 0,
        readUint32(bytes, at + 4),
        readUint32(bytes, at),
      );
      lanes[2 * lane] = out.hi;
      lanes[2 * lane + 1] = out.lo;
    }
  }
  out.hi = 0;
  out.lo = 0;
  for (let lane = 0; lane < 4; lane += 1) {
    rotateLeftUint64(scratch, lanes[2 * lane] ?? 0, lanes[2 * lane + 1] ?? 0, LANE_ROTATIONS[lane] ?? 1);
    addUint64(out, out.hi, out.lo, scratch.hi, scratch.lo);
  }
  for (let lane = 0; lane < 4; lane += 1) mergeLane(out, lanes[2 * lane] ?? 0, lanes[2 * lane + 1] ?? 0);
  return offset;
}

/** Mixes the bytes after the last full stripe into `out`. */
function consumeTail(out: Uint64Words, bytes: Uint8Array, start: number, length: number): void {
  let offset = start;
  for (; offset + 8 <= length; offset += 8) {
    mixRound(scratch, 0, 0, readUint32(bytes, offset + 4), readUint32(bytes, offset));
    rotateLeftUint64(out, (out.hi ^ scratch.hi) >>> 0, (out.lo ^ scratch.lo) >>> 0, 27);
    multiplyUint64(out, out.hi, out.lo, P1_HI, P1_LO);
    addUint64(out, out.hi, out.lo, P4_HI, P4_LO);
  }
  if (offset + 4 <= length) {
    multiplyUint64(scratch, 0, readUint32(bytes, offset), P1_HI, P1_LO);
    rotateLeftUint64(out, (out.hi ^ scratch.hi) >>> 0, (out.lo ^ scratch.lo) >>> 0, 23);
    multiplyUint64(out, out.hi, out.lo, P2_HI, P2_LO);
    addUint64(out, out.hi, out.lo, P3_HI, P3_LO);
    offset += 4;
  }
  for (; offset < length; offset += 1) {
    multiplyUint64(scratch, 0, bytes[offset] ?? 0, P5_HI, P5_LO);
    rotateLeftUint64(out, (out.hi ^ scratch.hi) >>> 0, (out.lo ^ scratch.lo) >>> 0, 11);
    multiplyUint64(out, out.hi, out.lo, P1_HI, P1_LO);
  }
}

/**
 * Computes XXH64 of `bytes[0, length)` with a 64-bit seed given as words, writing the hash to `out`.
 * This is the allocation-free form used by ring hash and Maglev table builds.
 */
export function xxHash64Into(
  out: Uint64Words,
  bytes: Uint8Array,
  length: number,
  seedHi: number,
  seedLo: number,
): void {
  let offset = 0;
  if (length >= STRIPE_BYTES) {
    offset = consumeStripes(out, bytes, length, seedHi, seedLo);
  } else {
    addUint64(out, seedHi, seedLo, P5_HI, P5_LO);
  }
  addUint64(out, out.hi, out.lo, 0, length);
  consumeTail(out, bytes, offset, length);
  // Avalanche.
  xorShiftRightUint64(out, out.hi, out.lo, 33);
  multiplyUint64(out, out.hi, out.lo, P2_HI, P2_LO);
  xorShiftRightUint64(out, out.hi, out.lo, 29);
  multiplyUint64(out, out.hi, out.lo, P3_HI, P3_LO);
  xorShiftRightUint64(out, out.hi, out.lo, 32);
}

const ENCODER = new TextEncoder();

/** Computes XXH64 of `bytes` with `seed` (taken modulo 2^64), as Envoy's `HashUtil::xxHash64`. */
export function xxHash64(bytes: Uint8Array, seed = 0n): bigint {
  const unsigned = BigInt.asUintN(64, seed);
  const out = createUint64Words();
  xxHash64Into(out, bytes, bytes.length, Number(unsigned >> 32n), Number(unsigned & 0xffff_ffffn));
  return wordsToBigInt(out.hi, out.lo);
}

/** Computes XXH64 of the UTF-8 bytes of `text` with `seed`. */
export function xxHash64String(text: string, seed = 0n): bigint {
  return xxHash64(ENCODER.encode(text), seed);
}
