import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { murmurHash2String } from '../../../src/lb/murmur-hash2.js';
import { hashHeaderValue, hashHeaderValues } from '../../../src/lb/request-hash.js';
import { xxHash64, xxHash64String } from '../../../src/lb/xxhash64.js';

const MASK_64 = (1n << 64n) - 1n;
const PRIMES = [
  0x9e3779b185ebca87n,
  0xc2b2ae3d27d4eb4fn,
  0x165667b19e3779f9n,
  0x85ebca77c2b2ae63n,
  0x27d4eb2f165667c5n,
] as const;
const [P1, P2, P3, P4, P5] = PRIMES;

/** A plain BigInt XXH64 written from the specification, to cross-check the word-based one. */
function referenceXxHash64(bytes: Uint8Array, seed: bigint): bigint {
  const rotl = (value: bigint, bits: bigint): bigint => ((value << bits) | (value >> (64n - bits))) & MASK_64;
  const read = (offset: number, size: number): bigint => {
    let value = 0n;
    for (let index = size - 1; index >= 0; index -= 1)
      value = (value << 8n) | BigInt(bytes[offset + index] ?? 0);
    return value;
  };
  const round = (acc: bigint, input: bigint): bigint =>
    (rotl((acc + input * P2) & MASK_64, 31n) * P1) & MASK_64;
  const merge = (acc: bigint, lane: bigint): bigint => ((acc ^ round(0n, lane)) * P1 + P4) & MASK_64;
  let offset = 0;
  let hash: bigint;
  if (bytes.length >= 32) {
    const lanes = [(seed + P1 + P2) & MASK_64, (seed + P2) & MASK_64, seed, (seed - P1) & MASK_64];
    for (; offset + 32 <= bytes.length; offset += 32) {
      for (let lane = 0; lane < 4; lane += 1)
        lanes[lane] = round(lanes[lane] ?? 0n, read(offset + lane * 8, 8));
    }
    const [v1 = 0n, v2 = 0n, v3 = 0n, v4 = 0n] = lanes;
    hash = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK_64;
    for (const lane of lanes) hash = merge(hash, lane);
  } else {
    hash = (seed + P5) & MASK_64;
  }
  hash = (hash + BigInt(bytes.length)) & MASK_64;
  for (; offset + 8 <= bytes.length; offset += 8)
    hash = (rotl(hash ^ round(0n, read(offset, 8)), 27n) * P1 + P4) & MASK_64;
  if (offset + 4 <= bytes.length) {
    hash = (rotl(hash ^ ((read(offset, 4) * P1) & MASK_64), 23n) * P2 + P3) & MASK_64;
    offset += 4;
  }
  for (; offset < bytes.length; offset += 1)
    hash = (rotl(hash ^ ((read(offset, 1) * P5) & MASK_64), 11n) * P1) & MASK_64;
  hash = ((hash ^ (hash >> 33n)) * P2) & MASK_64;
  hash = ((hash ^ (hash >> 29n)) * P3) & MASK_64;
  return hash ^ (hash >> 32n);
}

describe('xxHash64', () => {
  it.each([
    ['', 0n, 0xef46db3751d8e999n],
    ['a', 0n, 0xd24ec4f1a98c6e5bn],
    ['abc', 0n, 0x44bc2cf5ad770999n],
    ['xxhash', 0n, 0x32dd38952c4bc720n],
    ['xxhash', 20_141_025n, 0xb559b98d844e0635n],
    ['Nobody inspects the spammish repetition', 0n, 0xfbcea83c8a378bf1n],
    ['The quick brown fox jumps over the lazy dog', 0n, 0x0b242d361fda71bcn],
    // Envoy's own expectations (test/common/common/hash_test.cc).
    ['foo', 0n, 3_728_699_739_546_630_719n],
    ['bar', 0n, 5_234_164_152_756_840_025n],
    ['foo\nbar', 0n, 8_917_841_378_505_826_757n],
    ['lyft', 0n, 4_400_747_396_090_729_504n],
  ])('hashes %j with seed %d to the published value', (text, seed, expected) => {
    expect(xxHash64String(text, seed)).toBe(expected);
  });

  it('matches a BigInt reference for any bytes and any 64-bit seed', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 140 }), fc.bigInt({ min: 0n, max: MASK_64 }), (bytes, seed) => {
        expect(xxHash64(bytes, seed)).toBe(referenceXxHash64(bytes, seed));
      }),
      { numRuns: 300 },
    );
  });
});

describe('murmurHash2String', () => {
  it.each([
    ['foo', 9_631_199_822_919_835_226n],
    ['bar', 11_474_628_671_133_349_555n],
    ['foo\nbar', 16_306_510_975_912_980_159n],
    ['lyft', 12_847_078_931_730_529_320n],
    ['', 6_142_509_188_972_423_790n],
  ])("hashes %j as Envoy's MurmurHash::murmurHash2", (text, expected) => {
    expect(murmurHash2String(text)).toBe(expected);
  });
});

describe('hashHeaderValue', () => {
  it('is xxHash64 with seed 0 of the value', () => {
    expect(hashHeaderValue('foo')).toBe(3_728_699_739_546_630_719n);
  });

  it('hashes latin1 characters as the single bytes Node decoded them from', () => {
    expect(hashHeaderValue('caf\u00e9')).toBe(xxHash64(Uint8Array.from([0x63, 0x61, 0x66, 0xe9])));
  });

  it('hashes other characters as UTF-8', () => {
    expect(hashHeaderValue('\u20ac')).toBe(xxHash64String('\u20ac'));
  });
});

describe('hashHeaderValues', () => {
  it("chains the seed through the values like Envoy's span hash (Envoy expects 17745830980996999794)", () => {
    // Envoy's test hashes the span {"foo", "bar"} unsorted; the header policy sorts first.
    expect(xxHash64String('bar', xxHash64String('foo'))).toBe(17_745_830_980_996_999_794n);
    expect(hashHeaderValues(['foo', 'bar'])).toBe(xxHash64String('foo', xxHash64String('bar')));
  });

  it('does not depend on the order of the values', () => {
    expect(hashHeaderValues(['foo', 'bar'])).toBe(hashHeaderValues(['bar', 'foo']));
  });

  it('equals hashHeaderValue for one value and is undefined for none', () => {
    expect(hashHeaderValues(['lyft'])).toBe(hashHeaderValue('lyft'));
    expect(hashHeaderValues([])).toBeUndefined();
  });
});
