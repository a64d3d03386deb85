/**
 * The admin endpoints the local backend reads while starting a proxy: `/listeners` (the traffic port) and
 * `/ready`. `/clusters` is read with `src/collect/clusters-client.ts`.
 */

/** An admin response: status and body text. */
export interface AdminResponse {
  readonly status: number;
  readonly body: string;
}

const REQUEST_TIMEOUT_MS = 2_000;

/** GETs `adminUrl + path`; returns undefined when the admin endpoint cannot be reached (yet). */
export async function fetchAdmin(
  adminUrl: string,
  path: string,
  signal: AbortSignal,
): Promise<AdminResponse | undefined> {
  try {
    const response = await fetch(new URL(path, adminUrl), {
      signal: AbortSignal.any([signal, AbortSignal.timeout(REQUEST_TIMEOUT_MS)]),
    });
    return { status: response.status, body: await response.text() };
  } catch {
    return undefined;
  }
}

/** Reads the port of a listener (the first one when `name` is undefined) from `/listeners?format=json`. */
export function parseListenerPort(body: string, name?: string): number | undefined {
  const statuses = readArray(parseJson(body), 'listener_statuses');
  const listener = statuses.find((status) => name === undefined || readField(status, 'name') === name);
  const port = readField(readField(readField(listener, 'local_address'), 'socket_address'), 'port_value');
  const value = typeof port === 'string' ? Number(port) : port;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined;
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

function readField(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function readArray(value: unknown, key: string): readonly unknown[] {
  const field = readField(value, key);
  return Array.isArray(field) ? (field as unknown[]) : [];
}
