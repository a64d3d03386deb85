import type { Balancer, BalancerOptions, Clock } from '../types.js';
import { LeastRequestBalancer } from './least-request.js';
import { MaglevBalancer } from './maglev.js';
import { RandomBalancer } from './random.js';
import { RingHashBalancer } from './ring-hash.js';
import { RoundRobinBalancer } from './round-robin.js';

/**
 * Creates one worker's balancer for `options.policy` with that worker's seed, with no hosts yet; `now` is the
 * clock slow start reads (simulated time in the simulator).
 * @throws {RangeError} when the ring sizes or the Maglev table size are invalid.
 */
export function createBalancer(options: BalancerOptions, seed: number, now: Clock): Balancer {
  switch (options.policy) {
    case 'ROUND_ROBIN':
      return new RoundRobinBalancer(seed, options.roundRobin, now);
    case 'LEAST_REQUEST':
      return new LeastRequestBalancer(options.leastRequest, seed, now);
    case 'RANDOM':
      return new RandomBalancer();
    case 'RING_HASH':
      return new RingHashBalancer(options.ringHash);
    case 'MAGLEV':
      return new MaglevBalancer(options.maglev);
  }
}
