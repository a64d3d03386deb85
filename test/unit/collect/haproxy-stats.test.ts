import { describe, expect, it } from 'vitest';
import { HaproxySlotHosts } from '../../../src/collect/haproxy-slot-hosts.js';
import { parseHaproxyServerStats } from '../../../src/collect/parse-haproxy-stats.js';
import type { HaproxyServerStats } from '../../../src/collect/parse-haproxy-stats.js';

const HEADER =
  '# pxname,svname,scur,stot,econ,eresp,status,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,addr,connect,idle_conn_cur,used_conn_cur,';

function row(
  server: string,
  values: {
    scur?: number;
    stot?: number;
    status?: string;
    addr?: string;
    h2?: number;
    h5?: number;
    econ?: number;
    connect?: number;
  },
): string {
  return [
    'myapp',
    server,
    values.scur ?? 0,
    values.stot ?? 0,
    values.econ ?? 0,
    0,
    values.status ?? 'no check',
    0,
    values.h2 ?? 0,
    0,
    0,
    values.h5 ?? 0,
    values.addr ?? '',
    values.connect ?? 0,
    1,
    2,
    '',
  ].join(',');
}

describe('parseHaproxyServerStats', () => {
  it("reads the backend's server slots by column name, skipping FRONTEND/BACKEND and other proxies", () => {
    const csv = [
      HEADER,
      'traffic,FRONTEND,3,120,,,OPEN,0,120,0,0,0,,,,,',
      row('myapp1', { scur: 2, stot: 50, addr: '127.0.1.1:80', h2: 48, h5: 2, econ: 1, connect: 4 }),
      row('myapp2', { status: 'MAINT (resolution)' }),
      'myapp,BACKEND,3,120,0,0,UP,0,120,0,0,0,,,,,',
      'stats,FRONTEND,1,9,,,OPEN,0,9,0,0,0,,,,,',
      '',
    ].join('\n');
    expect(parseHaproxyServerStats(csv, 'myapp')).toEqual<HaproxyServerStats[]>([
      {
        name: 'myapp1',
        address: '127.0.1.1:80',
        status: 'no check',
        counters: {
          rq_total: 50,
          rq_success: 48,
          rq_error: 2,
          rq_timeout: 0,
          cx_total: 4,
          cx_connect_fail: 1,
          cx_active: 3,
          rq_active: 2,
        },
      },
      {
        name: 'myapp2',
        address: undefined,
        status: 'MAINT (resolution)',
        counters: {
          rq_total: 0,
          rq_success: 0,
          rq_error: 0,
          rq_timeout: 0,
          cx_total: 0,
          cx_connect_fail: 0,
          cx_active: 3,
          rq_active: 0,
        },
      },
    ]);
  });

  it.each([
    ['an HTML page', '<html>stats</html>'],
    ['an empty answer', ''],
    ['a header without pxname', '# a,b\n1,2'],
  ])('rejects %s', (_what, text) => {
    expect(() => parseHaproxyServerStats(text, 'myapp')).toThrow(/HAProxy stats/);
  });
});

function slot(
  name: string,
  address: string | undefined,
  rqTotal: number,
  status = 'no check',
): HaproxyServerStats {
  return {
    name,
    address,
    status,
    counters: {
      rq_total: rqTotal,
      rq_success: rqTotal,
      rq_error: 0,
      rq_timeout: 0,
      cx_total: 1,
      cx_connect_fail: 0,
      cx_active: 1,
      rq_active: 1,
    },
  };
}

describe('HaproxySlotHosts', () => {
  it('lists the slots with an address as hosts and leaves maintenance slots out', () => {
    const hosts = new HaproxySlotHosts().read([
      slot('myapp1', '10.0.0.1:80', 5),
      slot('myapp2', '10.0.0.2:80', 7, 'MAINT (resolution)'),
      slot('myapp3', undefined, 0, 'MAINT (resolution)'),
    ]);
    expect(hosts.map((host) => [host.address, host.hostname, host.counters.rq_total])).toEqual([
      ['10.0.0.1:80', 'myapp1', 5],
    ]);
  });

  it('counts a pod that takes over a slot from the slot counters of the previous reading', () => {
    const tracker = new HaproxySlotHosts();
    tracker.read([slot('myapp1', '10.0.0.1:80', 100), slot('myapp2', '10.0.0.2:80', 90)]);
    // 10.0.0.1 is killed: its slot goes to maintenance with 120 requests served in all.
    tracker.read([
      slot('myapp1', '10.0.0.1:80', 120, 'MAINT (resolution)'),
      slot('myapp2', '10.0.0.2:80', 110),
    ]);
    // Its replacement 10.0.0.3 gets the same slot and serves 30 more.
    const hosts = tracker.read([slot('myapp1', '10.0.0.3:80', 150), slot('myapp2', '10.0.0.2:80', 140)]);
    expect(hosts.map((host) => [host.address, host.counters.rq_total, host.counters.rq_active])).toEqual([
      ['10.0.0.3:80', 30, 1],
      ['10.0.0.2:80', 140, 1],
    ]);
  });

  it('keeps a pod counting from its own start while it keeps its slot', () => {
    const tracker = new HaproxySlotHosts();
    tracker.read([slot('myapp1', undefined, 0, 'MAINT (resolution)')]);
    tracker.read([slot('myapp1', '10.0.0.9:80', 4)]);
    const hosts = tracker.read([slot('myapp1', '10.0.0.9:80', 10)]);
    expect(hosts[0]?.counters.rq_total).toBe(10);
  });
});
