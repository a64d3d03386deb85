import { formatHostAddress } from './host-address.js';
import type { AdminSnapshot } from './snapshot.js';

/** Renders `GET /listeners` as text: one `name::address` line per bound listener (`listener_0::127.0.0.1:10000`). */
export function renderListenersText(snapshot: AdminSnapshot): string {
  return [...snapshot.listenerAddresses]
    .map(([name, { ip, port }]) => `${name}::${formatHostAddress(ip, port)}\n`)
    .join('');
}

/** Renders `GET /listeners?format=json` as `envoy.admin.v3.Listeners`, pretty-printed like Envoy. */
export function renderListenersJson(snapshot: AdminSnapshot): string {
  const statuses = [...snapshot.listenerAddresses].map(([name, { ip, port }]) => ({
    name,
    local_address: { socket_address: { address: ip, ...(port === 0 ? {} : { port_value: port }) } },
  }));
  return `${JSON.stringify(statuses.length === 0 ? {} : { listener_statuses: statuses }, null, 1)}\n`;
}
