import { isSeq } from 'yaml';
import type { Document } from 'yaml';

/** A path into a YAML document, as `Document.getIn` takes it. */
export type YamlPath = readonly (string | number)[];

/** The number of items of the sequence at `path`; 0 when there is none. */
export function countItems(doc: Document, path: YamlPath): number {
  const node = doc.getIn(path);
  return isSeq(node) ? node.items.length : 0;
}

/** The `socket_address` paths of a cluster's endpoints: v2 `hosts[]` and v3 `load_assignment`. */
export function listEndpointSocketPaths(doc: Document, clusterPath: YamlPath): YamlPath[] {
  const paths: YamlPath[] = [];
  for (let j = 0; j < countItems(doc, [...clusterPath, 'hosts']); j += 1) {
    paths.push([...clusterPath, 'hosts', j, 'socket_address']);
  }
  const endpointsPath = [...clusterPath, 'load_assignment', 'endpoints'];
  for (let k = 0; k < countItems(doc, endpointsPath); k += 1) {
    const lbEndpointsPath = [...endpointsPath, k, 'lb_endpoints'];
    for (let l = 0; l < countItems(doc, lbEndpointsPath); l += 1) {
      paths.push([...lbEndpointsPath, l, 'endpoint', 'address', 'socket_address']);
    }
  }
  return paths;
}

/** The paths of the static clusters with an endpoint whose address is `serviceName`: the clusters that reach the pods. */
export function findServiceClusters(doc: Document, serviceName: string): YamlPath[] {
  const clusters: YamlPath[] = [];
  for (let i = 0; i < countItems(doc, ['static_resources', 'clusters']); i += 1) {
    const clusterPath: YamlPath = ['static_resources', 'clusters', i];
    const reaches = listEndpointSocketPaths(doc, clusterPath).some(
      (path) => doc.getIn([...path, 'address']) === serviceName,
    );
    if (reaches) clusters.push(clusterPath);
  }
  return clusters;
}
