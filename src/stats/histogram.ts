import { LbbenchError } from '../errors.js';
import { getNearestRank } from './percentile.js';
import type { LatencySummary } from './types.js';

// Log-linear buckets in whole µs: values below 128 µs get one bucket each; above, every power-of-two range is split
// into 64 equal buckets, so a bucket is at most 1/64 (1.6 %) of its values wide: about two significant digits,
// like an HdrHistogram with 2 digits of precision, in a few hundred counters for anything up to hours.
const LINEAR_LIMIT = 128;
const SUB_BUCKETS = 64;

/** Serializable state of a {@link LatencyHistogram}: non-empty buckets as [bucket lowest µs, count] pairs. */
export interface LatencyHistogramJson {
  readonly buckets: readonly (readonly [number, number])[];
  readonly count: number;
  readonly minUs: number;
  readonly maxUs: number;
  readonly sumUs: number;
}

function getBucketIndex(valueUs: number): number {
  if (valueUs < LINEAR_LIMIT) return valueUs;
  let mantissa = valueUs;
  let exponent = 0;
  while (mantissa >= LINEAR_LIMIT) {
    mantissa = Math.floor(mantissa / 2);
    exponent++;
  }
  return LINEAR_LIMIT + (exponent - 1) * SUB_BUCKETS + (mantissa - SUB_BUCKETS);
}

function getBucketRange(index: number): { lowUs: number; highUs: number } {
  if (index < LINEAR_LIMIT) return { lowUs: index, highUs: index };
  const exponent = Math.floor((index - LINEAR_LIMIT) / SUB_BUCKETS) + 1;
  const mantissa = SUB_BUCKETS + ((index - LINEAR_LIMIT) % SUB_BUCKETS);
  const width = 2 ** exponent;
  return { lowUs: mantissa * width, highUs: (mantissa + 1) * width - 1 };
}

/**
 * A small mergeable latency histogram in µs. It is the one mutable accumulator of the stats code: `record` adds to
 * it in place (the simulator records one value per request); `merge` returns a new histogram.
 */
export class LatencyHistogram {
  #counts: number[] = [];
  #count = 0;
  #minUs = Infinity;
  #maxUs = -Infinity;
  #sumUs = 0;

  /**
   * Records `count` occurrences of a latency in µs (rounded to whole µs for bucketing; min, max and mean stay exact).
   * @throws LbbenchError for a negative or non-finite value or a count that is not a positive integer.
   */
  record(valueUs: number, count = 1): void {
    if (!Number.isFinite(valueUs) || valueUs < 0) {
      throw new LbbenchError('LBB_INTERNAL', `latency must be finite and ≥ 0 µs, got ${valueUs}`);
    }
    if (!Number.isInteger(count) || count < 1) {
      throw new LbbenchError('LBB_INTERNAL', `record count must be an integer ≥ 1, got ${count}`);
    }
    this.#addToBucket(getBucketIndex(Math.round(valueUs)), count);
    this.#count += count;
    this.#minUs = Math.min(this.#minUs, valueUs);
    this.#maxUs = Math.max(this.#maxUs, valueUs);
    this.#sumUs += valueUs * count;
  }

  /** A new histogram holding the values of this one and `other`; neither input changes. */
  merge(other: LatencyHistogram): LatencyHistogram {
    const merged = new LatencyHistogram();
    for (const source of [this, other]) {
      source.#counts.forEach((bucketCount, index) => {
        if (bucketCount > 0) merged.#addToBucket(index, bucketCount);
      });
      merged.#count += source.#count;
      merged.#minUs = Math.min(merged.#minUs, source.#minUs);
      merged.#maxUs = Math.max(merged.#maxUs, source.#maxUs);
      merged.#sumUs += source.#sumUs;
    }
    return merged;
  }

  /**
   * Nearest-rank percentile in µs (`percent` in [0, 100]): the highest value of the bucket that holds that rank,
   * clamped to the exact recorded min and max, so p0 is the min and p100 the max. 0 when nothing was recorded.
   */
  percentile(percent: number): number {
    if (!(percent >= 0 && percent <= 100)) {
      throw new LbbenchError('LBB_INTERNAL', `percentile must be in [0, 100], got ${percent}`);
    }
    if (this.#count === 0) return 0;
    if (percent === 0) return this.#minUs;
    const rank = getNearestRank(percent, this.#count);
    let seen = 0;
    for (let index = 0; index < this.#counts.length; index++) {
      seen += this.#counts[index] ?? 0;
      if (seen >= rank) {
        return Math.min(this.#maxUs, Math.max(this.#minUs, getBucketRange(index).highUs));
      }
    }
    return this.#maxUs;
  }

  /** Number of recorded values. */
  get count(): number {
    return this.#count;
  }

  /** Smallest recorded value in µs (0 when empty). */
  get minUs(): number {
    return this.#count === 0 ? 0 : this.#minUs;
  }

  /** Largest recorded value in µs (0 when empty). */
  get maxUs(): number {
    return this.#count === 0 ? 0 : this.#maxUs;
  }

  /** Exact mean of the recorded values in µs (0 when empty). */
  get meanUs(): number {
    return this.#count === 0 ? 0 : this.#sumUs / this.#count;
  }

  /** The latency summary in ms; `resolutionMs` is the width of the bucket that holds the median. */
  toSummary(): LatencySummary {
    const toMs = (us: number): number => us / 1000;
    const medianUs = this.percentile(50);
    const medianBucket = getBucketRange(getBucketIndex(Math.round(medianUs)));
    return {
      minMs: toMs(this.minUs),
      meanMs: toMs(this.meanUs),
      p50Ms: toMs(medianUs),
      p90Ms: toMs(this.percentile(90)),
      p99Ms: toMs(this.percentile(99)),
      p999Ms: toMs(this.percentile(99.9)),
      maxMs: toMs(this.maxUs),
      resolutionMs: toMs(medianBucket.highUs - medianBucket.lowUs + 1),
    };
  }

  /** The histogram's state as plain data (non-empty buckets only). */
  toJSON(): LatencyHistogramJson {
    const buckets: (readonly [number, number])[] = [];
    this.#counts.forEach((bucketCount, index) => {
      if (bucketCount > 0) buckets.push([getBucketRange(index).lowUs, bucketCount]);
    });
    return { buckets, count: this.#count, minUs: this.minUs, maxUs: this.maxUs, sumUs: this.#sumUs };
  }

  #addToBucket(index: number, count: number): void {
    while (this.#counts.length <= index) this.#counts.push(0);
    this.#counts[index] = (this.#counts[index] ?? 0) + count;
  }
}
