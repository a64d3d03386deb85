import { hashHeaderValues } from 'lbbench-proxy';
import type { LbPolicy } from 'lbbench-proxy';
import { selectHashHeader } from '../envoy-config/hash-policy.js';
import { createSeededKeySampler, deriveKeySeed, formatKey } from '../load/key-distribution.js';
import type { KeySampler } from '../load/key-distribution.js';
import type { KeyTally } from '../load/key-tally.js';
import { KeyTallyCounter, listKeyPeriodBoundariesMs } from '../load/key-tally.js';
import type { Scenario } from '../scenario/types.js';

/** The key stream the simulator draws from: the one a live run's first (or only) load generator draws from. */
const SIM_KEY_STREAM = 0;

/**
 * The keys of a simulated run (`load.keys`): drawn as a live load generator draws them, hashed as the proxy's route
 * hashes the key header (Envoy's header hash policy, xxHash64 with seed 0), and tallied key → pod per period
 * between host-set changes as the live client tallies them.
 */
export class SimKeys {
  readonly #sample: KeySampler;
  readonly #isHashed: boolean;
  readonly #hashes = new Map<number, bigint | undefined>();
  readonly #tally: KeyTallyCounter;

  /**
   * Keys for a run of `scenario` with the run's seed, hashed when `policy` (an Envoy row's; undefined for CLUSTER_IP)
   * hashes on the key header; undefined when the scenario sends no keys.
   */
  static create(scenario: Scenario, policy: LbPolicy | undefined, runSeed: number): SimKeys | undefined {
    const { keys } = scenario.load;
    if (keys === undefined) return undefined;
    return new SimKeys(
      createSeededKeySampler(keys, deriveKeySeed(runSeed, SIM_KEY_STREAM)),
      policy !== undefined && selectHashHeader(policy, keys) !== undefined,
      listKeyPeriodBoundariesMs(scenario.events),
    );
  }

  private constructor(sample: KeySampler, isHashed: boolean, periodBoundariesMs: readonly number[]) {
    this.#sample = sample;
    this.#isHashed = isHashed;
    this.#tally = new KeyTallyCounter(periodBoundariesMs);
  }

  /** Draws the next request's key number. */
  draw(): number {
    return this.#sample();
  }

  /** The request hash of key `n` when the row's route hashes the key header (RING_HASH, MAGLEV), else undefined. */
  hashOf(n: number): bigint | undefined {
    if (!this.#isHashed) return undefined;
    if (!this.#hashes.has(n)) this.#hashes.set(n, hashHeaderValues([formatKey(n)]));
    return this.#hashes.get(n);
  }

  /** Counts a response of key `n` from `pod`, completed `tMs` after the measured window started. */
  record(n: number, pod: string, tMs: number): void {
    this.#tally.record(formatKey(n), pod, tMs);
  }

  /** The tally so far. */
  snapshot(): KeyTally {
    return this.#tally.snapshot();
  }
}
