import { describe, expect, it } from 'vitest';
import { createClusterHosts } from '../../../src/server/cluster-hosts.js';
import { createSlotAllocator } from '../../../src/server/slot-allocator.js';

const host = (ip: string, weight = 1) => ({ ip, port: 80, hostname: 'myapp', weight });
const STRICT = { isLogical: false };

describe('createSlotAllocator', () => {
  it('uses fresh slots first, then reuses the oldest freed one', () => {
    const allocator = createSlotAllocator(3);
    expect([allocator.allocate(), allocator.allocate(), allocator.allocate()]).toEqual([0, 1, 2]);
    allocator.release(1);
    allocator.release(0);
    expect([allocator.allocate(), allocator.allocate()]).toEqual([1, 0]);
    expect(() => allocator.allocate()).toThrow(/all 3 host statistics slots are in use/);
  });
});

describe('createClusterHosts', () => {
  it('keeps slots of hosts that stay, frees slots of hosts that go, and reports changes', () => {
    const allocator = createSlotAllocator(2);
    const hosts = createClusterHosts(allocator, (slot) => [slot * 10], STRICT);
    expect(hosts.update([host('10.0.0.1'), host('10.0.0.2')])).toBe('membership');
    const [first] = hosts.hosts;
    expect(hosts.update([host('10.0.0.1'), host('10.0.0.2')])).toBe('none');
    expect(hosts.update([host('10.0.0.2')])).toBe('membership');
    expect(hosts.hosts.map((h) => [h.key, h.slot])).toEqual([['10.0.0.2:80', 1]]);
    // The freed slot is reused; the new host remembers the slot's counters so it starts from 0.
    expect(hosts.update([host('10.0.0.2'), host('10.0.0.3')])).toBe('membership');
    expect(hosts.hosts[1]).toMatchObject({ key: '10.0.0.3:80', slot: first?.slot, counterBase: [0] });
  });

  it('treats a weight change as a change but keeps the slot', () => {
    const hosts = createClusterHosts(createSlotAllocator(4), () => [0], STRICT);
    hosts.update([host('10.0.0.1')]);
    expect(hosts.update([host('10.0.0.1', 3)])).toBe('membership');
    expect(hosts.hosts[0]).toMatchObject({ slot: 0, weight: 3 });
  });

  it('brackets IPv6 addresses in keys', () => {
    const hosts = createClusterHosts(createSlotAllocator(4), () => [0], STRICT);
    hosts.update([{ ip: '::1', port: 8080, hostname: '', weight: 1 }]);
    expect(hosts.hosts[0]?.key).toBe('[::1]:8080');
  });

  it("keeps LOGICAL_DNS's single host, its slot and its counters when its address changes", () => {
    const hosts = createClusterHosts(createSlotAllocator(4), (slot) => [slot * 10], { isLogical: true });
    expect(hosts.update([host('10.0.0.1')])).toBe('membership');
    expect(hosts.update([host('10.0.0.1')])).toBe('none');
    expect(hosts.update([host('10.0.0.2')])).toBe('address');
    expect(hosts.hosts).toEqual([
      {
        key: '10.0.0.2:80',
        ip: '10.0.0.2',
        port: 80,
        hostname: 'myapp',
        weight: 1,
        slot: 0,
        counterBase: [0],
      },
    ]);
  });

  it('makes a new host of a new address on STRICT_DNS', () => {
    const hosts = createClusterHosts(createSlotAllocator(4), (slot) => [slot * 10], STRICT);
    hosts.update([host('10.0.0.1')]);
    expect(hosts.update([host('10.0.0.2')])).toBe('membership');
    expect(hosts.hosts[0]).toMatchObject({ key: '10.0.0.2:80', slot: 1, counterBase: [10] });
  });
});
