/** Where a headless Service lives in cluster DNS: `<service>.<namespace>.svc.<clusterDomain>`. */
export interface DnsNaming {
  /** Lowercase, without dots at either end, e.g. `default`. */
  readonly namespace: string;
  /** Lowercase, without dots at either end, e.g. `cluster.local`. */
  readonly clusterDomain: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** Lowercases a DNS name and removes one trailing dot (names compare case-insensitively, RFC 4343). */
export function normalizeDnsName(name: string): string {
  const lower = name.toLowerCase();
  return lower.endsWith('.') ? lower.slice(0, -1) : lower;
}

/** True for a Kubernetes Service name: an RFC 1123 label, lowercase letters, digits and '-', ≤ 63 characters. */
export function isValidServiceName(name: string): boolean {
  return DNS_LABEL.test(name);
}

/** True for a dotted name whose every label is an RFC 1123 label. */
export function isValidDomainName(name: string): boolean {
  return name.length > 0 && name.length <= 253 && name.split('.').every((label) => DNS_LABEL.test(label));
}

/**
 * The Service a query name asks for, or undefined. Accepted forms, as a pod's resolv.conf search path would
 * expand them: `svc`, `svc.<ns>`, `svc.<ns>.svc`, `svc.<ns>.svc.<domain>`.
 */
export function getServiceName(queryName: string, naming: DnsNaming): string | undefined {
  const name = normalizeDnsName(queryName);
  const suffixes = [
    `.${naming.namespace}.svc.${naming.clusterDomain}`,
    `.${naming.namespace}.svc`,
    `.${naming.namespace}`,
    '',
  ];
  for (const suffix of suffixes) {
    if (name.endsWith(suffix)) {
      const service = name.slice(0, name.length - suffix.length);
      return isValidServiceName(service) ? service : undefined;
    }
  }
  return undefined;
}

/** True when the name is the cluster domain or below it (where the server is authoritative). */
export function isInClusterDomain(queryName: string, naming: DnsNaming): boolean {
  const name = normalizeDnsName(queryName);
  return name === naming.clusterDomain || name.endsWith(`.${naming.clusterDomain}`);
}
