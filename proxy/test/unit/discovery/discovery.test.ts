import { describe, expect, it } from 'vitest';
import { startDiscovery } from '../../../src/discovery/discovery.js';
import type { ClusterConfig } from '../../../src/types.js';
import {
  answer,
  createCluster,
  createEndpoint,
  createFakeDeps,
  failure,
  flushMicrotasks,
} from './fake-deps.js';
import type { DiscoveryEvent } from './fake-deps.js';

const hosts = (...list: string[]): DiscoveryEvent => ({ kind: 'hosts', hosts: list });
const stat = (name: Extract<DiscoveryEvent, { kind: 'stat' }>['name']): DiscoveryEvent => ({
  kind: 'stat',
  name,
});
const timer = (delayMs: number): DiscoveryEvent => ({ kind: 'timer', delayMs });

function start(cluster: ClusterConfig, randomValues: readonly number[] = []) {
  const fake = createFakeDeps(randomValues);
  const discovery = startDiscovery(cluster, fake.deps, fake.listener);
  return { ...fake, discovery };
}

const TWO_TARGETS = createCluster({
  endpoints: [
    createEndpoint('first'),
    createEndpoint('second', { portValue: 8080, hostname: 'shown', weight: 2 }),
  ],
});

describe('startDiscovery (STRICT_DNS)', () => {
  it('resolves every target at once with the cluster family, then each on its own timer', async () => {
    const run = start({ ...TWO_TARGETS, dnsLookupFamily: 'AUTO' });
    expect(run.calls.map((call) => [call.name, call.family])).toEqual([
      ['first', 'AUTO'],
      ['second', 'AUTO'],
    ]);
    expect(run.takeEvents()).toEqual([stat('update_attempt'), stat('update_attempt')]);
    await run.settle('first', answer(['10.0.0.1']));
    run.advanceMs(4999);
    expect(run.calls.map((call) => call.name)).toEqual(['second']);
    run.advanceMs(1);
    expect(run.calls.map((call) => call.name)).toEqual(['second', 'first']);
    run.discovery.stop();
  });

  it('is initialized by the first completed resolution of any target, even a failure', async () => {
    const run = start(TWO_TARGETS);
    let isInitialized = false;
    void run.discovery.initialized.then(() => {
      isInitialized = true;
    });
    await flushMicrotasks();
    expect(isInitialized).toBe(false);
    await run.settle('second', failure());
    expect(isInitialized).toBe(true);
    expect(run.calls.map((call) => call.name)).toEqual(['first']);
    run.discovery.stop();
  });

  it('is initialized at once without endpoints', async () => {
    const run = start(createCluster({ endpoints: [] }));
    await run.discovery.initialized;
    expect(run.calls).toEqual([]);
    expect(run.takeEvents()).toEqual([]);
  });

  it('merges targets in config order, then answer order, whatever order they complete in', async () => {
    const run = start(TWO_TARGETS);
    run.takeEvents();
    await run.settle('second', answer(['10.0.0.9', '10.0.0.8']));
    await run.settle('first', answer(['10.0.0.2', '10.0.0.1']));
    expect(run.takeEvents()).toEqual([
      stat('update_success'),
      hosts('shown@10.0.0.9:8080*2', 'shown@10.0.0.8:8080*2'),
      timer(5000),
      stat('update_success'),
      hosts('first@10.0.0.2:80*1', 'first@10.0.0.1:80*1', 'shown@10.0.0.9:8080*2', 'shown@10.0.0.8:8080*2'),
      timer(5000),
    ]);
    run.discovery.stop();
  });

  it.each([
    [
      'the same answer: no rebuild',
      ['10.0.0.1', '10.0.0.2'],
      [stat('update_success'), stat('update_no_rebuild')],
    ],
    [
      'a reordered answer: no rebuild',
      ['10.0.0.2', '10.0.0.1'],
      [stat('update_success'), stat('update_no_rebuild')],
    ],
    [
      'an added address',
      ['10.0.0.1', '10.0.0.2', '10.0.0.3'],
      [stat('update_success'), hosts('first@10.0.0.1:80*1', 'first@10.0.0.2:80*1', 'first@10.0.0.3:80*1')],
    ],
    ['a removed address', ['10.0.0.2'], [stat('update_success'), hosts('first@10.0.0.2:80*1')]],
    ['an empty answer (NXDOMAIN/NODATA): hosts removed', [], [stat('update_success'), hosts()]],
    [
      'duplicates: dropped within the target',
      ['10.0.0.1', '10.0.0.1', '10.0.0.3'],
      [stat('update_success'), hosts('first@10.0.0.1:80*1', 'first@10.0.0.3:80*1')],
    ],
  ])('after a first answer, handles %s', async (_label, second, expected) => {
    const run = start(createCluster({ endpoints: [createEndpoint('first')] }));
    await run.settle('first', answer(['10.0.0.1', '10.0.0.2']));
    run.advanceMs(5000);
    run.takeEvents();
    await run.settle('first', answer(second));
    expect(run.takeEvents()).toEqual([...expected, timer(5000)]);
    run.discovery.stop();
  });

  it('keeps the hosts of a target whose resolution fails and retries after the refresh rate', async () => {
    const run = start(createCluster({ endpoints: [createEndpoint('first')], dnsRefreshRateMs: 200 }));
    await run.settle('first', answer(['10.0.0.1']));
    run.advanceMs(200);
    run.takeEvents();
    await run.settle('first', failure('ESERVFAIL'));
    expect(run.takeEvents()).toEqual([stat('update_failure'), timer(200)]);
    run.advanceMs(200);
    await run.settle('first', answer(['10.0.0.1']));
    expect(run.takeEvents()).toEqual([
      stat('update_attempt'),
      stat('update_success'),
      stat('update_no_rebuild'),
      timer(200),
    ]);
    run.discovery.stop();
  });

  it('treats a rejected resolve as a failure', async () => {
    const run = start(createCluster({ endpoints: [createEndpoint('first')] }));
    run.takeEvents();
    await run.reject('first', new Error('resolver bug'));
    expect(run.takeEvents()).toEqual([stat('update_failure'), timer(5000)]);
    run.discovery.stop();
  });

  it('keeps one host per target for the same IP in two targets, and empties only the answering target', async () => {
    const run = start(TWO_TARGETS);
    await run.settle('first', answer(['10.0.0.1']));
    await run.settle('second', answer(['10.0.0.1']));
    run.takeEvents();
    run.advanceMs(5000);
    await run.settle('second', answer([]));
    expect(run.takeEvents()).toEqual([
      stat('update_attempt'),
      stat('update_attempt'),
      stat('update_success'),
      hosts('first@10.0.0.1:80*1'),
      timer(5000),
    ]);
    run.discovery.stop();
  });

  it('publishes the stored answer order of other targets at the next rebuild', async () => {
    const run = start(TWO_TARGETS);
    await run.settle('first', answer(['10.0.0.1', '10.0.0.2']));
    await run.settle('second', answer(['10.0.0.9']));
    run.advanceMs(5000);
    await run.settle('first', answer(['10.0.0.2', '10.0.0.1']));
    run.takeEvents();
    await run.settle('second', answer(['10.0.0.8']));
    expect(run.takeEvents()).toEqual([
      stat('update_success'),
      hosts('first@10.0.0.2:80*1', 'first@10.0.0.1:80*1', 'shown@10.0.0.8:8080*2'),
      timer(5000),
    ]);
    run.discovery.stop();
  });

  it.each([
    ['the refresh rate', { respectDnsTtl: false }, [], [7, 3], 5000],
    ['the minimum TTL', { respectDnsTtl: true }, [], [7, 3], 3000],
    ['the refresh rate for TTL 0', { respectDnsTtl: true }, [], [0, 3], 5000],
    ['the refresh rate for an empty answer', { respectDnsTtl: true }, [], [], 5000],
    ['the TTL plus random % jitter', { respectDnsTtl: true, dnsJitterMs: 100 }, [1234], [7, 3], 3034],
    ['the refresh rate plus random % jitter', { dnsJitterMs: 1000 }, [4321], [7], 5321],
  ] as const)(
    'schedules the next refresh after a success at %s',
    async (_label, overrides, randoms, ttls, expectedMs) => {
      const run = start(createCluster({ ...overrides, endpoints: [createEndpoint('first')] }), randoms);
      const addresses = ttls.map((ttlSeconds, index) => ({ ip: `10.0.0.${index + 1}`, ttlSeconds }));
      await run.settle('first', { status: 'ok', addresses });
      expect(run.takeEvents().filter((event) => event.kind === 'timer')).toEqual([timer(expectedMs)]);
      run.discovery.stop();
    },
  );

  it('backs off failures with jittered doubling intervals shared by the targets, reset by a success', async () => {
    const cluster = createCluster({
      ...TWO_TARGETS,
      dnsFailureRefreshRate: { baseIntervalMs: 1000, maxIntervalMs: 3000 },
      dnsJitterMs: 0,
    });
    const run = start(cluster, [1500, 1500, 5000, 2999, 999]);
    await run.settle('first', failure());
    await run.settle('second', failure());
    run.advanceMs(500);
    await run.settle('first', failure());
    run.advanceMs(1500);
    await run.settle('second', failure());
    run.advanceMs(500);
    await run.settle('first', answer(['10.0.0.1']));
    run.advanceMs(5000);
    await run.settle('second', failure());
    const delays = run.takeEvents().flatMap((event) => (event.kind === 'timer' ? [event.delayMs] : []));
    // intervals: 1000, 2000, 3000 (capped), 3000; the success resets to 1000.
    expect(delays).toEqual([1500 % 1000, 1500 % 2000, 5000 % 3000, 2999 % 3000, 5000, 999 % 1000]);
    run.discovery.stop();
  });

  it('stops: no timer fires and an answer in flight is dropped', async () => {
    const run = start(TWO_TARGETS);
    await run.settle('first', answer(['10.0.0.1']));
    expect(run.pendingTimerCount()).toBe(1);
    run.discovery.stop();
    expect(run.pendingTimerCount()).toBe(0);
    run.takeEvents();
    await run.settle('second', answer(['10.0.0.2']));
    run.advanceMs(60_000);
    expect(run.takeEvents()).toEqual([]);
    expect(run.calls).toEqual([]);
  });

  it('settles initialized when stopped before any answer', async () => {
    const run = start(TWO_TARGETS);
    run.discovery.stop();
    await expect(run.discovery.initialized).resolves.toBeUndefined();
  });
});

describe('startDiscovery (LOGICAL_DNS)', () => {
  const LOGICAL = createCluster({
    type: 'LOGICAL_DNS',
    endpoints: [createEndpoint('myapp')],
    respectDnsTtl: true,
  });

  it('uses the first address and the TTL of the first record', async () => {
    const run = start(LOGICAL);
    run.takeEvents();
    await run.settle('myapp', {
      status: 'ok',
      addresses: [
        { ip: '10.0.0.1', ttlSeconds: 9 },
        { ip: '10.0.0.2', ttlSeconds: 2 },
      ],
    });
    expect(run.takeEvents()).toEqual([stat('update_success'), hosts('myapp@10.0.0.1:80*1'), timer(9000)]);
    run.discovery.stop();
  });

  it.each([
    [
      'the same answer: no rebuild',
      answer(['10.0.0.1', '10.0.0.2']),
      [stat('update_success'), stat('update_no_rebuild')],
    ],
    [
      'a new first address',
      answer(['10.0.0.2', '10.0.0.1']),
      [stat('update_success'), hosts('myapp@10.0.0.2:80*1')],
    ],
    ['a new list behind the same first address', answer(['10.0.0.1']), [stat('update_success')]],
    ['an empty answer: ignored, counted as a failure', answer([]), [stat('update_failure')]],
    ['a failure', failure(), [stat('update_failure')]],
  ])('after a first answer, handles %s', async (_label, outcome, expected) => {
    const run = start({ ...LOGICAL, respectDnsTtl: false });
    await run.settle('myapp', answer(['10.0.0.1', '10.0.0.2']));
    run.advanceMs(5000);
    run.takeEvents();
    await run.settle('myapp', outcome);
    expect(run.takeEvents()).toEqual([...expected, timer(5000)]);
    run.discovery.stop();
  });

  it('needs exactly one endpoint', () => {
    const fake = createFakeDeps();
    expect(() => startDiscovery({ ...TWO_TARGETS, type: 'LOGICAL_DNS' }, fake.deps, fake.listener)).toThrow(
      /LOGICAL_DNS clusters must have exactly one endpoint, got 2/,
    );
  });
});

describe('startDiscovery (STATIC)', () => {
  it('reports the configured IPs at once, with no resolution and no timer', async () => {
    const cluster = createCluster({
      type: 'STATIC',
      endpoints: [
        createEndpoint('127.0.0.2'),
        createEndpoint('::1', { portValue: 8080, hostname: 'named', weight: 3 }),
        createEndpoint('127.0.0.2'),
      ],
    });
    const run = start(cluster);
    await run.discovery.initialized;
    expect(run.takeEvents()).toEqual([hosts('@127.0.0.2:80*1', 'named@::1:8080*3', '@127.0.0.2:80*1')]);
    expect(run.calls).toEqual([]);
    expect(run.pendingTimerCount()).toBe(0);
    run.discovery.stop();
  });

  it('rejects a DNS name', () => {
    const fake = createFakeDeps();
    const cluster = createCluster({ type: 'STATIC', endpoints: [createEndpoint('myapp')] });
    expect(() => startDiscovery(cluster, fake.deps, fake.listener)).toThrow(
      /endpoints\[0\]\.address must be an IP address for a STATIC cluster, got "myapp"/,
    );
  });
});
