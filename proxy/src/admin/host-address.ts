/** Formats an IP and port the way Envoy's `Address::Instance::asString()` does: `10.0.0.1:80`, `[::1]:80`. */
export function formatHostAddress(ip: string, port: number): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Orders hosts as Envoy's admin iterates them: by priority level, then host-vector order within a level. */
export function sortHostsByPriority<T extends { readonly priority: number }>(hosts: readonly T[]): T[] {
  // Array.prototype.sort is stable, so hosts of one priority keep their host-vector order.
  return [...hosts].sort((a, b) => a.priority - b.priority);
}
