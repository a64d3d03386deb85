import type { ClusterIpPolicyEntry } from './types.js';

/** The CLUSTER_IP row (`- CLUSTER_IP` in `policies:`): the connection-level baseline of a ClusterIP Service. */
export const CLUSTER_IP_ROW: ClusterIpPolicyEntry = {
  name: 'CLUSTER_IP',
  proxy: 'cluster-ip',
  policy: 'CLUSTER_IP',
};
