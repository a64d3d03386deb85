import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createBalancer } from '../../../src/lb/create-balancer.js';
import { createRng } from '../../../src/lb/rng.js';
import { LB_POLICIES, type BalancerOptions, type LbPolicy, type PickContext } from '../../../src/types.js';
import { makeHosts, pickMany, withHosts } from './pick-helpers.js';

// Small tables keep the property runs fast; the algorithms are the same at any size.
const optionsFor = (policy: LbPolicy): BalancerOptions => ({
  policy,
  leastRequest: { choiceCount: 2, activeRequestBias: 1, slowStart: undefined },
  roundRobin: { slowStart: undefined },
  ringHash: { minimumRingSize: 32, maximumRingSize: 8_388_608, hashFunction: 'XX_HASH' },
  maglev: { tableSize: 251 },
});

const hostSets = fc.array(fc.record({ weight: fc.integer({ min: 1, max: 5 }), active: fc.nat(8) }), {
  maxLength: 10,
});
const requestHashes = fc.option(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), { nil: undefined });

function createPickContext(
  active: readonly number[],
  seed: number,
  hash: bigint | undefined,
  attempt: number,
): PickContext {
  return { activeRequests: (index) => active[index] ?? 0, random: createRng(seed), hash, attempt };
}

describe('createBalancer', () => {
  it.each(LB_POLICIES.map((policy) => [policy]))('creates the %s balancer', (policy) => {
    expect(createBalancer(optionsFor(policy), 0, () => 0).policy).toBe(policy);
  });

  it('rejects a Maglev table size that is not prime', () => {
    expect(() =>
      createBalancer({ ...optionsFor('MAGLEV'), maglev: { tableSize: 1000 } }, 0, () => 0),
    ).toThrow(RangeError);
  });

  it.each(LB_POLICIES.map((policy) => [policy]))(
    '%s never returns -1 while hosts exist, and always -1 without hosts',
    (policy) => {
      fc.assert(
        fc.property(
          hostSets,
          hostSets,
          fc.nat(),
          requestHashes,
          fc.nat(3),
          (first, second, seed, hash, attempt) => {
            const balancer = withHosts(
              createBalancer(optionsFor(policy), seed, () => 0),
              makeHosts(first.map((host) => host.weight)),
            );
            for (const hosts of [first, second]) {
              balancer.setHosts(makeHosts(hosts.map((host) => host.weight)));
              const context = createPickContext(
                hosts.map((host) => host.active),
                seed,
                hash,
                attempt,
              );
              const indexes = pickMany(balancer, context, 20);
              const inRange = indexes.every((index) => index >= 0 && index < hosts.length);
              expect(hosts.length === 0 ? indexes.every((index) => index === -1) : inRange).toBe(true);
            }
          },
        ),
        { numRuns: 40 },
      );
    },
  );

  it.each(LB_POLICIES.map((policy) => [policy]))('%s repeats its sequence for the same seeds', (policy) => {
    fc.assert(
      fc.property(
        hostSets.filter((hosts) => hosts.length > 0),
        fc.nat(),
        requestHashes,
        (hosts, seed, hash) => {
          const run = (): number[] => {
            const balancer = withHosts(
              createBalancer(optionsFor(policy), seed, () => 0),
              makeHosts(hosts.map((host) => host.weight)),
            );
            const context = createPickContext(
              hosts.map((host) => host.active),
              seed,
              hash,
              0,
            );
            return pickMany(balancer, context, 30);
          };
          expect(run()).toEqual(run());
        },
      ),
      { numRuns: 30 },
    );
  });
});
