import type { Balancer, BalancerOptions } from '../types.js';
import { createLeastRequestBalancer } from './least-request.js';
import { createMaglevBalancer } from './maglev.js';
import { createRandomBalancer } from './random.js';
import { createRingHashBalancer } from './ring-hash.js';
import { createRoundRobinBalancer } from './round-robin.js';

/**
 * Creates the balancer for `options.policy`. Each worker calls `init` with its own seed and keeps its own
 * state; treat every state as linear (continue with the state a call returns, never reuse an older one).
 * @throws {RangeError} when the ring sizes or the Maglev table size are invalid.
 */
export function createBalancer(options: BalancerOptions): Balancer<unknown> {
  switch (options.policy) {
    case 'ROUND_ROBIN':
      return createRoundRobinBalancer();
    case 'LEAST_REQUEST':
      return createLeastRequestBalancer(options.leastRequest);
    case 'RANDOM':
      return createRandomBalancer();
    case 'RING_HASH':
      return createRingHashBalancer(options.ringHash);
    case 'MAGLEV':
      return createMaglevBalancer(options.maglev);
  }
}
