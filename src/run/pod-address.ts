/** `ip:port` as /clusters prints a host, with brackets around an IPv6 address. */
export function formatPodAddress(pod: { readonly ip: string; readonly port: number }): string {
  return pod.ip.includes(':') ? `[${pod.ip}]:${pod.port}` : `${pod.ip}:${pod.port}`;
}
