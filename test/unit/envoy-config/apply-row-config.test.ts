import { parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { applyRowConfig } from '../../../src/envoy-config/apply-row-config.js';
import { LbbenchError } from '../../../src/errors.js';
import type { EnvoyPolicyEntry } from '../../../src/scenario/types.js';
import { makeScenario } from '../backends/kube/fixtures.js';

// Two clusters: the one that reaches the Service (v3 load_assignment) and an unrelated one.
const CONFIG = `
static_resources:
  clusters:
  - name: myapp_cluster
    type: STRICT_DNS
    lb_policy: ROUND_ROBIN
    load_assignment:
      cluster_name: myapp_cluster
      endpoints:
      - lb_endpoints:
        - endpoint: { address: { socket_address: { address: myapp, port_value: 80 } } }
  - name: other
    type: STATIC
    lb_policy: RANDOM
    hosts: [{ socket_address: { address: 10.0.0.1, port_value: 80 } }]
`;

const TARGET = { serviceName: 'myapp', sourceName: 'envoy.yaml' };

function apply(row: EnvoyPolicyEntry, text = CONFIG): Record<string, unknown>[] {
  const doc = parseDocument(text);
  applyRowConfig(doc, row, makeScenario(), TARGET);
  const js = doc.toJS() as { static_resources: { clusters: Record<string, unknown>[] } };
  return js.static_resources.clusters;
}

describe('applyRowConfig', () => {
  it("sets lb_policy and LEAST_REQUEST's choice_count and active_request_bias on the Service's cluster only", () => {
    const [cluster, other] = apply({
      name: 'LR-3',
      proxy: 'envoy',
      policy: 'LEAST_REQUEST',
      settings: { choiceCount: 3, activeRequestBias: 0.5 },
    });
    expect(cluster).toMatchObject({
      lb_policy: 'LEAST_REQUEST',
      least_request_lb_config: {
        choice_count: 3,
        active_request_bias: { default_value: 0.5, runtime_key: 'lbbench.active_request_bias' },
      },
    });
    expect(other).toEqual({
      name: 'other',
      type: 'STATIC',
      lb_policy: 'RANDOM',
      hosts: [{ socket_address: { address: '10.0.0.1', port_value: 80 } }],
    });
  });

  it('sets ring_hash_lb_config.minimum_ring_size', () => {
    const [cluster] = apply({
      name: 'RH',
      proxy: 'envoy',
      policy: 'RING_HASH',
      settings: { minimumRingSize: 4096 },
    });
    expect(cluster).toMatchObject({
      lb_policy: 'RING_HASH',
      ring_hash_lb_config: { minimum_ring_size: 4096 },
    });
  });

  it.each([
    ['ROUND_ROBIN', 'round_robin_lb_config'],
    ['LEAST_REQUEST', 'least_request_lb_config'],
  ] as const)('writes slow_start_config for %s under %s', (policy, field) => {
    const [cluster] = apply({
      name: 'SS',
      proxy: 'envoy',
      policy,
      settings: { slowStart: { windowMs: 2500, aggression: 2, minWeightPercent: 5 } },
    });
    expect(cluster?.[field]).toEqual({
      slow_start_config: {
        slow_start_window: '2.5s',
        aggression: { default_value: 2, runtime_key: 'lbbench.slow_start_aggression' },
        min_weight_percent: { value: 5 },
      },
    });
  });

  it("writes nothing but lb_policy for a row with Envoy's defaults, on v2 hosts too", () => {
    const v2 =
      'static_resources:\n  clusters:\n  - name: c\n    lb_policy: ${X}\n    hosts: [{ socket_address: { address: myapp, port_value: 80 } }]\n';
    const [cluster] = apply({ name: 'RANDOM', proxy: 'envoy', policy: 'RANDOM', settings: {} }, v2);
    expect(cluster).toEqual({
      name: 'c',
      lb_policy: 'RANDOM',
      hosts: [{ socket_address: { address: 'myapp', port_value: 80 } }],
    });
  });

  it('fails naming the file and the Service when no cluster reaches it', () => {
    const doc = parseDocument('static_resources:\n  clusters: []\n');
    const row = { name: 'RR', proxy: 'envoy', policy: 'ROUND_ROBIN', settings: {} } as const;
    expect(() => {
      applyRowConfig(doc, row, makeScenario(), TARGET);
    }).toThrow(LbbenchError);
    expect(() => {
      applyRowConfig(doc, row, makeScenario(), TARGET);
    }).toThrow(
      'envoy.yaml: static_resources.clusters: no endpoint has address "myapp" (the Service name); the cluster must reach the pods by that name to run row RR',
    );
  });

  it("sets the scenario's retries as every route's retry_policy unless the row turns them off", () => {
    const text = `${CONFIG}
  listeners:
  - name: listener_0
    address: { socket_address: { address: 0.0.0.0, port_value: 10000 } }
    filter_chains:
    - filters:
      - name: envoy.http_connection_manager
        config:
          route_config:
            virtual_hosts:
            - { name: local, domains: ['*'], routes: [{ match: { prefix: / }, route: { cluster: myapp_cluster } }] }
`;
    const retries = {
      retryOn: ['5xx'] as const,
      numRetries: 2,
      perTryTimeoutMs: undefined,
      previousHosts: true,
      hostSelectionRetryMaxAttempts: 3,
    };
    const scenario = makeScenario({ proxy: { ...makeScenario().proxy, retries } });
    const routeOf = (row: EnvoyPolicyEntry): unknown => {
      const doc = parseDocument(text);
      applyRowConfig(doc, row, scenario, TARGET);
      return doc.getIn(
        [
          'static_resources',
          'listeners',
          0,
          'filter_chains',
          0,
          'filters',
          0,
          'config',
          'route_config',
          'virtual_hosts',
          0,
          'routes',
          0,
          'route',
        ],
        false,
      );
    };
    const row: EnvoyPolicyEntry = { name: 'RR', proxy: 'envoy', policy: 'ROUND_ROBIN', settings: {} };
    expect(JSON.parse(JSON.stringify(routeOf(row)))).toMatchObject({
      retry_policy: {
        retry_on: '5xx',
        num_retries: 2,
        retry_host_predicate: [{ name: 'envoy.retry_host_predicates.previous_hosts' }],
        host_selection_retry_max_attempts: 3,
      },
    });
    expect(JSON.parse(JSON.stringify(routeOf({ ...row, settings: { retries: false } })))).toEqual({
      cluster: 'myapp_cluster',
    });
  });
});
