import { envoyRow } from './envoy-row.js';
import type { PolicyEntry } from './types.js';

/** Defaults filled in for every field a scenario leaves out. */
export const SCENARIO_DEFAULTS = {
  backend: 'local',
  replicas: 3,
  policies: [
    envoyRow('ROUND_ROBIN'),
    envoyRow('LEAST_REQUEST'),
    envoyRow('RANDOM'),
  ] as readonly PolicyEntry[],
  repetitions: 1,
  seed: 1,
  proxy: { kind: 'lbbench', concurrency: 1, dnsRefreshRateMs: 5000, respectDnsTtl: false },
  load: { connections: 50, durationMs: 10_000, warmupMs: 2000, timeoutMs: 10_000, path: '/', generators: 1 },
  upstream: { server: 'auto', delayMs: 0 },
  kind: { clusterName: 'lbbench', workers: 0, reuse: false },
  kube: { namespace: 'lbbench', clusterDomain: 'cluster.local' },
  sim: { serviceTime: 'fixed', baseServiceTimeMs: 1 },
} as const;

/** Limits every scenario field is checked against. */
export const SCENARIO_LIMITS = {
  replicas: { min: 1, max: 250 },
  repetitions: { min: 1, max: 100 },
  seed: { min: 0, max: 4_294_967_295 },
  concurrency: { min: 1, max: 64 },
  connections: { min: 1, max: 10_000 },
  generators: { min: 1, max: 100 },
  kindWorkers: { min: 0, max: 10 },
  simRequests: { min: 1, max: 100_000_000 },
  podIndex: { min: 0 },
  durationMs: { minMs: 100, maxMs: 86_400_000 },
  warmupMs: { minMs: 0, maxMs: 3_600_000 },
  timeoutMs: { minMs: 1, maxMs: 3_600_000 },
  dnsRefreshRateMs: { minMs: 1, maxMs: 86_400_000 },
  delayMs: { minMs: 0, maxMs: 3_600_000 },
  eventAtMs: { minMs: 0 },
} as const;

/** A Kubernetes/DNS-1123 label: what cluster names and namespaces must look like. */
export const DNS_LABEL_RULE = {
  pattern: /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?$/,
  description:
    'a DNS label (lowercase letters, digits and "-", at most 63, starting and ending alphanumeric)',
} as const;

/** What a DNS domain must look like: dot-separated DNS labels (e.g. `cluster.local`). */
export const DNS_NAME_RULE = {
  pattern: /^[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]{0,61}[a-z0-9])?)*$/,
  description: 'a DNS domain (dot-separated DNS labels, e.g. cluster.local)',
} as const;
