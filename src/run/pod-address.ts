import { formatHostAddress } from 'lbbench-proxy';

/** `ip:port` of a pod as /clusters prints its host, with brackets around an IPv6 address. */
export function formatPodAddress(pod: { readonly ip: string; readonly port: number }): string {
  return formatHostAddress(pod.ip, pod.port);
}
