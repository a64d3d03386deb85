import { describe, expect, it } from 'vitest';
import {
  OTHER_PROXY_IMAGES,
  renderHaproxyManifests,
  renderNginxManifests,
} from '../../../../src/backends/kube/other-proxy-manifests.js';

const COMMON = {
  namespace: 'lbbench',
  clusterDomain: 'cluster.local',
  podPort: 80,
  concurrency: 1,
  deploymentId: 'run-3',
};

describe('renderHaproxyManifests', () => {
  const manifests = renderHaproxyManifests({
    ...COMMON,
    row: 'haproxy:leastconn',
    policy: 'leastconn',
    slots: 8,
    dnsRefreshRateMs: 5000,
  });

  it('runs the official image with the config mounted where it reads it', () => {
    const pod = manifests.deployment.spec?.template.spec;
    expect(pod?.containers[0]?.image).toBe(OTHER_PROXY_IMAGES.haproxy);
    expect(pod?.containers[0]?.volumeMounts?.[0]?.mountPath).toBe('/usr/local/etc/haproxy/haproxy.cfg');
    expect(manifests.deployment.spec?.template.metadata?.annotations).toEqual({
      'lbbench.dev/deployment': 'run-3',
      'lbbench.dev/row': 'haproxy:leastconn',
    });
  });

  it('resolves the headless Service by its full name through the cluster DNS', () => {
    const config = manifests.configMap.data?.['haproxy.cfg'] ?? '';
    expect(config).toContain('parse-resolv-conf');
    expect(config).toContain(
      'server-template myapp 1-8 myapp.lbbench.svc.cluster.local:80 resolvers cluster',
    );
    expect(config).toContain('balance leastconn');
  });

  it('exposes traffic and stats on its Service', () => {
    expect(manifests.service.spec?.ports?.map((port) => [port.name, port.port])).toEqual([
      ['http', 8080],
      ['stats', 8404],
    ]);
  });
});

describe('renderNginxManifests', () => {
  const manifests = renderNginxManifests({
    ...COMMON,
    row: 'nginx:random_two',
    policy: 'random_two',
    dnsRefreshRateMs: 1500,
  });
  const container = manifests.deployment.spec?.template.spec?.containers[0];

  it('runs the official image with an upstream included from the files its discovery loop rewrites', () => {
    const config = manifests.configMap.data?.['nginx.conf'] ?? '';
    expect(container?.image).toBe(OTHER_PROXY_IMAGES.nginx);
    expect(config).toContain('random two least_conn;');
    expect(config).toContain('include "/etc/nginx/lbbench/servers.conf";');
    expect(config).toContain('include "/etc/nginx/lbbench/generation.conf";');
    expect(config).toContain('error_log stderr notice;');
    expect(config).not.toContain('_temp_path');
  });

  it('starts nginx under the discovery loop, given the headless Service, the pod port and the refresh', () => {
    expect(container?.command).toEqual(['/bin/sh', '/usr/local/lib/lbbench/discover.sh']);
    expect(container?.args).toEqual(['myapp.lbbench.svc.cluster.local', '80', '1.5']);
    expect(manifests.configMap.data?.['discover.sh']).toContain('nginx -s reload');
    expect(container?.volumeMounts?.map((mount) => mount.mountPath)).toEqual([
      '/etc/nginx/nginx.conf',
      '/usr/local/lib/lbbench/discover.sh',
      '/etc/nginx/lbbench',
    ]);
    expect(manifests.deployment.spec?.template.spec?.volumes?.[1]).toEqual({
      name: 'discovery',
      emptyDir: {},
    });
  });
});
