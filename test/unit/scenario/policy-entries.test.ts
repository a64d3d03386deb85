import { describe, expect, it } from 'vitest';
import { applyOverrides } from '../../../src/scenario/apply-overrides.js';
import { ScenarioError } from '../../../src/errors.js';
import type { InputIssue } from '../../../src/errors.js';
import { parseScenario } from '../../../src/scenario/parse-scenario.js';
import { printScenario } from '../../../src/scenario/print-scenario.js';

function collectIssues(text: string): readonly InputIssue[] {
  try {
    parseScenario(text, 'test.yaml');
    return [];
  } catch (error) {
    if (!(error instanceof ScenarioError)) throw error;
    return error.issues;
  }
}

const ENTRIES = `name: entries
policies:
  - ROUND_ROBIN
  - { policy: least-request, name: LR-3, choiceCount: 3, activeRequestBias: 0.5 }
  - { policy: RING_HASH, minimumRingSize: 4096 }
  - { policy: LEAST_REQUEST, slowStart: { window: 10s } }
  - { policy: ROUND_ROBIN, name: RR-slow, slowStart: { window: 1500ms, aggression: 2, minWeightPercent: 0 } }
gates: ["LR-3: jain >= 0.9", "lr-3: cv < 1", { policy: RR-slow, assert: "cv < 1" }]
`;

describe('policy entries', () => {
  it('reads names and objects into named rows with their settings', () => {
    const scenario = parseScenario(ENTRIES, 'test.yaml');
    expect(scenario.policies).toEqual([
      { name: 'ROUND_ROBIN', proxy: 'envoy', policy: 'ROUND_ROBIN', settings: {} },
      {
        name: 'LR-3',
        proxy: 'envoy',
        policy: 'LEAST_REQUEST',
        settings: { choiceCount: 3, activeRequestBias: 0.5 },
      },
      { name: 'RING_HASH', proxy: 'envoy', policy: 'RING_HASH', settings: { minimumRingSize: 4096 } },
      {
        name: 'LEAST_REQUEST',
        proxy: 'envoy',
        policy: 'LEAST_REQUEST',
        settings: { slowStart: { windowMs: 10_000, aggression: 1, minWeightPercent: 10 } },
      },
      {
        name: 'RR-slow',
        proxy: 'envoy',
        policy: 'ROUND_ROBIN',
        settings: { slowStart: { windowMs: 1500, aggression: 2, minWeightPercent: 0 } },
      },
    ]);
    expect(scenario.gates.map((gate) => gate.row)).toEqual(['LR-3', 'LR-3', 'RR-slow']);
  });

  it('prints entries so that they read back the same', () => {
    const scenario = parseScenario(ENTRIES, 'test.yaml');
    expect(parseScenario(printScenario(scenario), 'test.yaml')).toEqual(scenario);
  });

  it.each([
    [
      '[ROUND_ROBIN, { policy: ROUND_ROBIN }]',
      'policies[1]',
      'row name "ROUND_ROBIN" is already used by policies[0]; row names must be unique, e.g. { policy: ROUND_ROBIN, name: ROUND_ROBIN-2, … }',
    ],
    [
      '[{ policy: RANDOM, name: a }, { policy: MAGLEV, name: A }]',
      'policies[1].name',
      'row name "A" is already used by policies[0]; row names must be unique, e.g. { policy: MAGLEV, name: MAGLEV-2, … }',
    ],
    [
      '[{ name: x }]',
      'policies[0].policy',
      'is required: one of ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV',
    ],
    [
      '[{ policy: ROUND_ROBN }]',
      'policies[0].policy',
      'must be one of ROUND_ROBIN, LEAST_REQUEST, RANDOM, RING_HASH, MAGLEV, got "ROUND_ROBN" (string); did you mean "ROUND_ROBIN"?',
    ],
    [
      '[{ policy: RANDOM, name: "LR 3" }]',
      'policies[0].name',
      'must be a row name of letters, digits, "_" and "-" (at most 63, starting with a letter or digit), got "LR 3" (string)',
    ],
    [
      '[{ policy: ROUND_ROBIN, choiceCount: 3 }]',
      'policies[0].choiceCount',
      'does not apply to ROUND_ROBIN; Envoy has it only for LEAST_REQUEST',
    ],
    [
      '[{ policy: MAGLEV, minimumRingSize: 1024 }]',
      'policies[0].minimumRingSize',
      'does not apply to MAGLEV; Envoy has it only for RING_HASH',
    ],
    [
      '[{ policy: RING_HASH, slowStart: { window: 1s } }]',
      'policies[0].slowStart',
      'does not apply to RING_HASH; Envoy has it only for ROUND_ROBIN and LEAST_REQUEST',
    ],
    [
      '[{ policy: RANDOM, slowStart: { window: 1s } }]',
      'policies[0].slowStart',
      'does not apply to RANDOM; Envoy has it only for ROUND_ROBIN and LEAST_REQUEST',
    ],
    [
      '[{ policy: LEAST_REQUEST, choiceCount: 1 }]',
      'policies[0].choiceCount',
      'must be an integer ≥ 2, got 1 (number)',
    ],
    [
      '[{ policy: LEAST_REQUEST, activeRequestBias: -0.5 }]',
      'policies[0].activeRequestBias',
      'must be a number ≥ 0, got -0.5 (number)',
    ],
    [
      '[{ policy: RING_HASH, minimumRingSize: 8388609 }]',
      'policies[0].minimumRingSize',
      'must be an integer from 1 to 8388608, got 8388609 (number)',
    ],
    [
      '[{ policy: ROUND_ROBIN, slowStart: { window: 0s } }]',
      'policies[0].slowStart.window',
      'must be a duration > 0, got "0s" (string)',
    ],
    [
      '[{ policy: ROUND_ROBIN, slowStart: { aggression: 2 } }]',
      'policies[0].slowStart.window',
      'is required: the ramp-up duration, e.g. "10s"',
    ],
    [
      '[{ policy: ROUND_ROBIN, slowStart: { window: 1s, aggression: 0 } }]',
      'policies[0].slowStart.aggression',
      'must be a number > 0, got 0 (number)',
    ],
    [
      '[{ policy: ROUND_ROBIN, slowStart: { window: 1s, minWeightPercent: 101 } }]',
      'policies[0].slowStart.minWeightPercent',
      'must be a number from 0 to 100, got 101 (number)',
    ],
    [
      '[{ policy: LEAST_REQUEST, choiceCnt: 3 }]',
      'policies[0].choiceCnt',
      'unknown field; did you mean "choiceCount"? Known fields: proxy, policy, name, choiceCount, activeRequestBias, minimumRingSize, slowStart, outlierDetection, healthCheck, retries',
    ],
    [
      '[{ policy: RANDOM, proxy: traefik }]',
      'policies[0].proxy',
      'must be one of envoy, cluster-ip, haproxy, nginx, got "traefik" (string)',
    ],
    [
      '[{ proxy: haproxy, policy: leastconn, outlierDetection: { consecutive5xx: 3 } }]',
      'policies[0].outlierDetection',
      "is not a setting of a haproxy row (allowed keys: proxy, policy, name); haproxy's algorithms take no Envoy settings",
    ],
    [
      '[{ proxy: nginx, policy: least_conn, choiceCount: 3 }]',
      'policies[0].choiceCount',
      "is not a setting of a nginx row (allowed keys: proxy, policy, name); nginx's algorithms take no Envoy settings",
    ],
    [
      '[haproxy:least_conn]',
      'policies[0].policy',
      'must be one of roundrobin, leastconn, random for proxy haproxy, got "least_conn" (string); did you mean "leastconn"?',
    ],
    [
      '[7]',
      'policies[0]',
      'must be a policy name such as ROUND_ROBIN or an object { policy, name?, … }, got 7 (number)',
    ],
  ])('rejects policies: %s at %s', (policies, path, message) => {
    expect(collectIssues(`name: x\npolicies: ${policies}\n`)).toEqual([{ path, message }]);
  });

  it('rejects a gate for a row that does not exist, listing the rows', () => {
    expect(
      collectIssues(
        'name: x\npolicies: [{ policy: LEAST_REQUEST, name: LR-3 }, RANDOM]\ngates: ["LR-5: cv < 1"]\n',
      ),
    ).toEqual([
      {
        path: 'gates[0]',
        message:
          'gate "LR-5: cv < 1" is for row LR-5, which is not among the rows (LR-3, RANDOM); did you mean "LR-3"?',
      },
    ]);
  });

  it('reads a HAProxy or nginx row from its name, in policies: and in --policies', () => {
    const scenario = parseScenario('name: x\npolicies: [haproxy:leastconn, CLUSTER_IP]\n', 'test.yaml');
    expect(scenario.policies[0]).toEqual({
      name: 'haproxy:leastconn',
      proxy: 'haproxy',
      policy: 'leastconn',
    });
    const picked = applyOverrides(scenario, { policies: 'nginx:random_two,ROUND_ROBIN' }, 'command line');
    expect(picked.policies.map((row) => [row.name, row.proxy, row.policy])).toEqual([
      ['nginx:random_two', 'nginx', 'random_two'],
      ['ROUND_ROBIN', 'envoy', 'ROUND_ROBIN'],
    ]);
  });

  it('--policies picks the scenario rows by name and reads other names as policies', () => {
    const scenario = parseScenario(ENTRIES, 'test.yaml');
    const picked = applyOverrides(scenario, { policies: 'lr-3,RANDOM' }, 'command line');
    expect(picked.policies).toEqual([
      scenario.policies[1],
      { name: 'RANDOM', proxy: 'envoy', policy: 'RANDOM', settings: {} },
    ]);
    expect(picked.gates.map((gate) => gate.row)).toEqual(['LR-3', 'LR-3']);
  });

  it('refuses the scenario-wide outlierDetection and healthCheck when a row is not an Envoy-style proxy', () => {
    const text = [
      'name: x',
      'policies: [ROUND_ROBIN, CLUSTER_IP, { proxy: haproxy, policy: leastconn }]',
      'proxy:',
      '  outlierDetection: { consecutive5xx: 3 }',
      '  healthCheck: { interval: 1s, timeout: 500ms, unhealthyThreshold: 2, healthyThreshold: 1, path: / }',
      '',
    ].join('\n');
    expect(collectIssues(text).map((issue) => issue.path)).toEqual([
      'proxy.outlierDetection',
      'proxy.healthCheck',
    ]);
    expect(collectIssues(text)[0]?.message).toContain(
      'rows CLUSTER_IP, haproxy:leastconn are not Envoy-style proxies',
    );
  });
});
