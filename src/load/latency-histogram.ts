import * as hdr from 'hdr-histogram-js';
import type { Histogram } from 'hdr-histogram-js';

import type { LatencySummary } from '../stats/types.js';

/** An HDR histogram of response times in whole microseconds. */
export type LatencyHistogramUs = Histogram;

/**
 * 1 µs is the smallest step told apart; 3 significant digits keep every value within 0.1 % of its recorded bucket.
 * autoResize lets one histogram hold anything from 1 µs to a request timeout without a fixed upper bound.
 */
const HISTOGRAM_SETTINGS = {
  bitBucketSize: 64,
  autoResize: true,
  lowestDiscernibleValue: 1,
  highestTrackableValue: 2,
  numberOfSignificantValueDigits: 3,
  useWebAssembly: false,
} as const;

const US_PER_MS = 1000;

/** Creates an empty latency histogram (µs). */
export function createLatencyHistogram(): LatencyHistogramUs {
  return hdr.build(HISTOGRAM_SETTINGS);
}

/** Records one response time given in (fractional) milliseconds, as autocannon's `response` event reports it. */
export function recordLatencyMs(histogram: LatencyHistogramUs, latencyMs: number): void {
  // A response faster than 1 µs cannot happen over a socket; clamping keeps it countable rather than dropped.
  histogram.recordValue(Math.max(1, Math.round(latencyMs * US_PER_MS)));
}

/** Encodes a histogram the standard HdrHistogram way: compressed (deflate) V2 encoding in base64. */
export function encodeLatencyHistogram(histogram: LatencyHistogramUs): string {
  return hdr.encodeIntoCompressedBase64(histogram);
}

/**
 * Decodes a histogram written by {@link encodeLatencyHistogram} (or any HdrHistogram compressed base64).
 * @throws Error from the decoder when the text is not such an encoding.
 */
export function decodeLatencyHistogram(encoded: string): LatencyHistogramUs {
  const histogram = hdr.decodeFromCompressedBase64(encoded, HISTOGRAM_SETTINGS.bitBucketSize, false);
  // The decoder keeps the encoded highest trackable value; adding a larger value later must still fit.
  histogram.autoResize = true;
  return histogram;
}

/** Adds histograms into a new one; the inputs are left as they are. */
export function addLatencyHistograms(histograms: readonly LatencyHistogramUs[]): LatencyHistogramUs {
  const sum = createLatencyHistogram();
  for (const histogram of histograms) sum.add(histogram);
  return sum;
}

/** Percentiles of a histogram in fractional milliseconds (resolution 1 µs); all 0 when it is empty. */
export function summarizeLatencyHistogram(histogram: LatencyHistogramUs): LatencySummary {
  const toMs = (valueUs: number): number => (histogram.totalCount === 0 ? 0 : valueUs / US_PER_MS);
  return {
    minMs: toMs(histogram.minNonZeroValue),
    meanMs: toMs(histogram.mean),
    p50Ms: toMs(histogram.getValueAtPercentile(50)),
    p90Ms: toMs(histogram.getValueAtPercentile(90)),
    p99Ms: toMs(histogram.getValueAtPercentile(99)),
    p999Ms: toMs(histogram.getValueAtPercentile(99.9)),
    maxMs: toMs(histogram.maxValue),
    resolutionMs: 1 / US_PER_MS,
  };
}
