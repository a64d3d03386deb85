import { describe, expect, it } from 'vitest';
import { createClusterHosts } from '../../../../proxy/src/server/cluster-hosts.js';
import { createSlotAllocator } from '../../../../proxy/src/server/slot-allocator.js';

const host = (ip: string, weight = 1) => ({ ip, port: 80, hostname: 'myapp', weight });

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
    const hosts = createClusterHosts(allocator, (slot) => [slot * 10]);
    expect(hosts.update([host('10.0.0.1'), host('10.0.0.2')])).toBe(true);
    const [first] = hosts.hosts;
    expect(hosts.update([host('10.0.0.1'), host('10.0.0.2')])).toBe(false);
    expect(hosts.update([host('10.0.0.2')])).toBe(true);
    expect(hosts.hosts.map((h) => [h.key, h.slot])).toEqual([['10.0.0.2:80', 1]]);
    // The freed slot is reused; the new host remembers the slot's counters so it starts from 0.
    expect(hosts.update([host('10.0.0.2'), host('10.0.0.3')])).toBe(true);
    expect(hosts.hosts[1]).toMatchObject({ key: '10.0.0.3:80', slot: first?.slot, counterBase: [0] });
  });

  it('treats a weight change as a change but keeps the slot', () => {
    const hosts = createClusterHosts(createSlotAllocator(4), () => [0]);
    hosts.update([host('10.0.0.1')]);
    expect(hosts.update([host('10.0.0.1', 3)])).toBe(true);
    expect(hosts.hosts[0]).toMatchObject({ slot: 0, weight: 3 });
  });

  it('brackets IPv6 addresses in keys', () => {
    const hosts = createClusterHosts(createSlotAllocator(4), () => [0]);
    hosts.update([{ ip: '::1', port: 8080, hostname: '', weight: 1 }]);
    expect(hosts.hosts[0]?.key).toBe('[::1]:8080');
  });
});
