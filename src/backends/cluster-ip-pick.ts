/**
 * Picks the endpoint a new connection to a ClusterIP Service goes to, as kube-proxy's iptables mode does.
 * `writeServiceToEndpointRules` in kubernetes `pkg/proxy/iptables/proxier.go` writes one rule per endpoint into the
 * Service's `KUBE-SVC-…` chain, in endpoint order: rule `i` of `n` (all but the last) jumps to its endpoint with
 * `-m statistic --mode random --probability 1/(n-i)` (`proxier.probability(n-i)`, printed with 10 decimals), the
 * last jumps unconditionally. A connection walks the chain once, on its first packet (the nat table only sees NEW
 * conntrack entries; later packets follow the conntrack entry), so every endpoint gets 1/n of the connections and a
 * connection stays on its endpoint for its whole life.
 * @returns the index of the chosen endpoint in `0..endpointCount-1`, or undefined when there is none (kube-proxy
 * then rejects the connection).
 */
export function pickClusterIpEndpoint(endpointCount: number, rng: () => number): number | undefined {
  if (endpointCount < 1) return undefined;
  for (let index = 0; index < endpointCount - 1; index++) {
    if (rng() < 1 / (endpointCount - index)) return index;
  }
  return endpointCount - 1;
}
