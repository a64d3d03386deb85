import { createBalancer, type Balancer, type BalancerOptions } from 'lbbench-proxy';
import { breakBalancer } from '../../fixtures/broken-balancers/break-balancer.mjs';

/** The proxy's balancers with ROUND_ROBIN skipping the last host (see the fixture). */
export function createSkippingRoundRobin(options: BalancerOptions, seed: number): Balancer {
  return breakBalancer('rr-skip-last', createBalancer, options, seed);
}

/** The proxy's balancers with LEAST_REQUEST keeping the busier of two draws (see the fixture). */
export function createBusierOfTwo(options: BalancerOptions, seed: number): Balancer {
  return breakBalancer('lr-busier', createBalancer, options, seed);
}
