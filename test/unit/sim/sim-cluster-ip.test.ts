import { createRng } from 'lbbench-proxy';
import { describe, expect, it } from 'vitest';
import { SimClusterIp } from '../../../src/sim/sim-cluster-ip.js';
import { SimFleet } from '../../../src/sim/sim-fleet.js';
import { createLocalTestScenario } from '../../support/local-scenario.js';

function setUp(replicas: number, connections: number, seed = 3) {
  const fleet = new SimFleet(createLocalTestScenario({ replicas }));
  return { fleet, clusterIp: new SimClusterIp({ fleet, rng: createRng(seed), connections }) };
}

describe('SimClusterIp', () => {
  it('binds each connection to one pod for all its requests', () => {
    const { clusterIp } = setUp(3, 5);
    const first = Array.from({ length: 5 }, (_, connection) => clusterIp.pick(connection));
    expect(first.every((pick) => pick.isNewConnection)).toBe(true);
    for (let request = 0; request < 20; request++) {
      for (let connection = 0; connection < 5; connection++) {
        expect(clusterIp.pick(connection)).toEqual({ pod: first[connection]?.pod, isNewConnection: false });
      }
    }
  });

  it('spreads connections, not requests: about 1/n of many connections per pod', () => {
    const connections = 30_000;
    const { clusterIp } = setUp(3, connections);
    const perPod = [0, 0, 0];
    for (let connection = 0; connection < connections; connection++) {
      const { pod } = clusterIp.pick(connection);
      perPod[pod] = (perPod[pod] ?? 0) + 1;
    }
    for (const count of perPod) expect(count / connections).toBeCloseTo(1 / 3, 1);
  });

  it('rebinds a released connection, and one whose pod was killed or scaled away, to a Ready pod', () => {
    const { fleet, clusterIp } = setUp(3, 1);
    const { pod } = clusterIp.pick(0);
    clusterIp.release(0);
    expect(clusterIp.pick(0).isNewConnection).toBe(true);
    const bound = clusterIp.pick(0).pod;
    const killed = fleet.pods[bound];
    if (killed === undefined) throw new Error(`no pod ${bound} (first pick ${pod})`);
    killed.isAlive = false;
    const rebound = clusterIp.pick(0);
    expect(rebound.isNewConnection).toBe(true);
    expect(rebound.pod).not.toBe(bound);
    expect(fleet.isReady(rebound.pod)).toBe(true);
    fleet.scale(0);
    expect(clusterIp.pick(0)).toEqual({ pod: -1, isNewConnection: false });
  });
});
