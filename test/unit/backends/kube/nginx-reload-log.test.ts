import { describe, expect, it } from 'vitest';
import { parseNginxDiscoveryLog, toConfigReloads } from '../../../../src/backends/kube/nginx-reload-log.js';

// As the discovery loop and nginx (error_log stderr notice) write them into the pod's log.
const LOG = [
  'lbbench-discovery generation=1 servers=10.244.1.3,10.244.1.4',
  '2026/12/03 03:30:01 [notice] 7#7: using the "epoll" event method',
  '2026/12/03 03:30:05 [notice] 7#7: signal 1 (SIGHUP) received from 40, reconfiguring',
  'lbbench-reload generation=2 changed_at_ms=1796268614647 served_at_ms=1796268614776 servers=10.244.1.3,10.244.1.4,10.244.1.9',
  'lbbench-reload generation=3 changed_at_ms=1796268616336 served_at_ms=1796268616464 servers=',
  '',
].join('\n');

describe('parseNginxDiscoveryLog', () => {
  it('reads the initial upstream and every reload in log order, skipping nginx’s own lines', () => {
    expect(parseNginxDiscoveryLog(LOG)).toEqual({
      generations: [
        { generation: 1, servers: ['10.244.1.3', '10.244.1.4'] },
        {
          generation: 2,
          servers: ['10.244.1.3', '10.244.1.4', '10.244.1.9'],
          reload: { changedAtMs: 1796268614647, servedAtMs: 1796268614776 },
        },
        { generation: 3, servers: [], reload: { changedAtMs: 1796268616336, servedAtMs: 1796268616464 } },
      ],
      unparsedLines: [],
    });
  });

  it('reads a reload whose old workers did not exit in time (served_at_ms=none) without a served time', () => {
    const log = 'lbbench-reload generation=2 changed_at_ms=1000 served_at_ms=none servers=10.0.0.1';
    expect(parseNginxDiscoveryLog(log).generations).toEqual([
      { generation: 2, servers: ['10.0.0.1'], reload: { changedAtMs: 1000, servedAtMs: undefined } },
    ]);
  });

  it.each([
    'lbbench-reload generation=2 changed_at_ms=1000 servers=10.0.0.1',
    'lbbench-reload generation=2 changed_at_ms=soon served_at_ms=1200 servers=10.0.0.1',
    'lbbench-reload generation=2 changed_at_ms=1000 served_at_ms=1200 servers=10.0.0.1 10.0.0.2',
    'lbbench-reload generation=x changed_at_ms=1000 served_at_ms=1200 servers=10.0.0.1',
    'lbbench-discovery generation=1 servers=myapp.default',
    'lbbench-discovery generation=1',
    'lbbench-discovery',
  ])('keeps a line that starts like a discovery line but does not parse apart: %s', (line) => {
    const parsed = parseNginxDiscoveryLog(`${LOG}${line}\n`);
    expect(parsed.unparsedLines).toEqual([line]);
    expect(parsed.generations).toHaveLength(3);
  });
});

describe('toConfigReloads', () => {
  it('turns each reload into when the loop saw the change, how many servers, and the lag until it was served', () => {
    expect(toConfigReloads(parseNginxDiscoveryLog(LOG))).toEqual({
      reloads: [
        { changedAt: new Date(1796268614647).toISOString(), servers: 3, lagMs: 129 },
        { changedAt: new Date(1796268616336).toISOString(), servers: 0, lagMs: 128 },
      ],
      unserved: 0,
    });
  });

  it('counts a reload that was never served instead of recording a lag for it', () => {
    const log = parseNginxDiscoveryLog(
      'lbbench-discovery generation=1 servers=10.0.0.1\n' +
        'lbbench-reload generation=2 changed_at_ms=1000 served_at_ms=none servers=10.0.0.1,10.0.0.2\n',
    );
    expect(toConfigReloads(log)).toEqual({ reloads: [], unserved: 1 });
  });
});
