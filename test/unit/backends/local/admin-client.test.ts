import { describe, expect, it } from 'vitest';

import { parseListenerPort } from '../../../../src/backends/local/admin-client.js';

const listeners = JSON.stringify({
  listener_statuses: [
    { name: 'admin_like', local_address: { socket_address: { address: '127.0.0.1', port_value: 4000 } } },
    { name: 'listener_0', local_address: { socket_address: { address: '127.0.0.1', port_value: 41234 } } },
  ],
});

describe('parseListenerPort', () => {
  it.each([
    [listeners, 'listener_0', 41234],
    [listeners, undefined, 4000],
    [listeners, 'missing', undefined],
    [
      JSON.stringify({ listener_statuses: [{ local_address: { socket_address: { port_value: '8080' } } }] }),
      undefined,
      8080,
    ],
    [
      JSON.stringify({ listener_statuses: [{ local_address: { socket_address: { port_value: 0 } } }] }),
      undefined,
      undefined,
    ],
    ['not json', undefined, undefined],
    ['{}', undefined, undefined],
  ])('%s, listener %s → %s', (body, name, port) => {
    expect(parseListenerPort(body, name)).toBe(port);
  });
});
