import { describe, expect, it } from 'vitest';
import { describeHostDifference, listHostIps } from '../../../src/run/cluster-hosts.js';
import { parseClustersText } from '../../../src/collect/parse-clusters.js';

describe('listHostIps', () => {
  it('collects the distinct host IPs of an Envoy /clusters text document', () => {
    const text = [
      'myapp_cluster::observability_name::myapp_cluster',
      'myapp_cluster::default_priority::max_connections::1024',
      'myapp_cluster::added_via_api::false',
      'myapp_cluster::10.244.2.5:80::cx_active::0',
      'myapp_cluster::10.244.2.5:80::rq_total::12',
      'myapp_cluster::10.244.1.3:80::rq_total::9',
      'other::[fd00::1]:80::rq_total::1',
      '',
    ].join('\n');
    const snapshot = { takenAtMs: 0, clusters: parseClustersText(text) };
    expect(listHostIps(snapshot)).toEqual(['10.244.1.3', '10.244.2.5', 'fd00::1']);
  });

  it('finds no hosts in a cluster without any', () => {
    const snapshot = {
      takenAtMs: 0,
      clusters: parseClustersText('myapp_cluster::default_priority::max_requests::1024\n'),
    };
    expect(listHostIps(snapshot)).toEqual([]);
  });
});

describe('describeHostDifference', () => {
  it.each([
    [['10.0.0.1', '10.0.0.2'], ['10.0.0.1', '10.0.0.2'], 'lists 2/2 pod IPs'],
    [['10.0.0.1'], ['10.0.0.1', '10.0.0.2'], 'lists 1/2 pod IPs; missing 10.0.0.2'],
    [['10.0.0.1', '10.0.0.9'], ['10.0.0.1'], 'lists 1/1 pod IPs; other hosts 10.0.0.9'],
  ])('%j vs %j', (listed, expected, text) => {
    expect(describeHostDifference(listed, expected)).toBe(text);
  });
});
