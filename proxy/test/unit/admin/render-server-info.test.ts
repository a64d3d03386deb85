import { describe, expect, it } from 'vitest';
import { renderListenersJson, renderListenersText } from '../../../src/admin/render-listeners.js';
import { renderServerInfo } from '../../../src/admin/render-server-info.js';
import { makeSnapshot } from './make-snapshot.js';

describe('renderServerInfo', () => {
  it('prints version, state, whole-second uptime and the command-line options', () => {
    const body = renderServerInfo(makeSnapshot({ state: 'DRAINING', uptimeSeconds: 12.7 }));
    const info = JSON.parse(body) as Record<string, unknown>;
    expect(Object.keys(info)).toEqual([
      'version',
      'state',
      'uptime_current_epoch',
      'uptime_all_epochs',
      'hot_restart_version',
      'command_line_options',
      'node',
    ]);
    expect(info).toMatchObject({
      version: '0000000000000000000000000000000000000000/1.0.0/Clean/RELEASE/BoringSSL',
      state: 'DRAINING',
      uptime_current_epoch: '12s',
      command_line_options: { concurrency: 2, config_path: '/etc/envoy.yaml', log_level: 'info' },
    });
    expect(info['node']).not.toHaveProperty('metadata');
  });

  it('shows the DNS server in node metadata when there is one', () => {
    const snapshot = makeSnapshot();
    const body = renderServerInfo({
      ...snapshot,
      commandLine: { ...snapshot.commandLine, dnsServer: '127.0.0.1:5353' },
    });
    expect(JSON.parse(body)).toMatchObject({ node: { metadata: { lbbench_dns_server: '127.0.0.1:5353' } } });
  });
});

describe('renderListeners', () => {
  const snapshot = makeSnapshot({
    listenerAddresses: new Map([
      ['listener_0', { ip: '127.0.0.1', port: 10000 }],
      ['listener_v6', { ip: '::1', port: 10001 }],
    ]),
  });

  it('prints name::address lines', () => {
    expect(renderListenersText(snapshot)).toBe('listener_0::127.0.0.1:10000\nlistener_v6::[::1]:10001\n');
  });

  it('prints listener_statuses as JSON', () => {
    expect(JSON.parse(renderListenersJson(snapshot))).toEqual({
      listener_statuses: [
        {
          name: 'listener_0',
          local_address: { socket_address: { address: '127.0.0.1', port_value: 10000 } },
        },
        { name: 'listener_v6', local_address: { socket_address: { address: '::1', port_value: 10001 } } },
      ],
    });
    expect(renderListenersJson(makeSnapshot({ listenerAddresses: new Map() }))).toBe('{}\n');
  });
});
