import type { Scenario } from '../../src/scenario/types.js';
import { envoyRow } from '../../src/scenario/envoy-row.js';

/** A complete scenario for local-backend tests: 3 pods, short load, no events, no gates. */
export function createLocalTestScenario(overrides: Partial<Scenario> = {}): Scenario {
  return {
    name: 'local-test',
    description: 'local backend integration test',
    sourcePath: '',
    backend: 'local',
    replicas: 3,
    policies: [envoyRow('ROUND_ROBIN')],
    repetitions: 1,
    seed: 7,
    proxy: {
      kind: 'lbbench',
      concurrency: 1,
      dnsRefreshRateMs: 500,
      respectDnsTtl: false,
      command: undefined,
      image: undefined,
    },
    load: {
      connections: 4,
      durationMs: 1000,
      warmupMs: 0,
      rateRps: undefined,
      timeoutMs: 5000,
      path: '/',
      generators: 1,
    },
    upstream: { server: 'auto', delayMs: 0, pods: [] },
    events: [],
    gates: [],
    kind: { clusterName: 'lbbench', workers: 1, reuse: false, nodeImage: undefined },
    kube: { context: undefined, namespace: 'default', clusterDomain: 'cluster.local', image: undefined },
    sim: { serviceTime: 'fixed', baseServiceTimeMs: 1, requests: undefined },
    ...overrides,
  };
}
