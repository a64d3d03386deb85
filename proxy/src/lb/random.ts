import type { Balancer, BalancerHost, PickContext } from '../types.js';

/** Envoy's RANDOM: one random value per pick, host `r % n`; its only state is the host count. */
export class RandomBalancer implements Balancer {
  readonly policy = 'RANDOM';
  private hostCount = 0;

  /** Replaces the hosts. */
  setHosts(hosts: readonly BalancerHost[]): void {
    this.hostCount = hosts.length;
  }

  /** Picks host `random() % n`, -1 without hosts. */
  pick(context: PickContext): number {
    // Envoy draws one value and uses it for both the priority and `hosts[r % n]`; with one priority only the
    // host choice is left. Weights are ignored, as in Envoy.
    return this.hostCount === 0 ? -1 : context.random() % this.hostCount;
  }
}
