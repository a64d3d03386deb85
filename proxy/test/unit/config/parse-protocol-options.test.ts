import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CONNECTION_LIMITS } from '../../../src/config/defaults.js';
import { parseProxyConfig } from '../../../src/config/parse-config.js';

const V3 = readFileSync(new URL('../../../envoy-v3.yaml.tmpl', import.meta.url), 'utf8');
const ENV = { ENVOY_LB_ALG: 'ROUND_ROBIN', SERVICE_NAME: 'myapp' };

function parseWith(hcmFields: string, clusterFields = ''): ReturnType<typeof parseProxyConfig> {
  let text = V3.replace('stat_prefix: ingress_http', `stat_prefix: ingress_http\n          ${hcmFields}`);
  if (clusterFields !== '') text = text.replace('    lb_policy:', `${clusterFields}\n    lb_policy:`);
  return parseProxyConfig(text, { file: 'envoy.yaml', env: ENV });
}

describe('HCM timeouts and common_http_protocol_options', () => {
  it("fill Envoy's defaults: stream idle 5 min, connection idle 1 h, the others off", () => {
    expect(DEFAULT_CONNECTION_LIMITS).toEqual({
      requestHeadersTimeoutMs: 0,
      streamIdleTimeoutMs: 300_000,
      requestTimeoutMs: 0,
      idleTimeoutMs: 3_600_000,
      maxConnectionDurationMs: 0,
      maxRequestsPerConnection: 0,
      drainTimeoutMs: 5000,
    });
    expect(parseWith('server_name: envoy').listeners[0]?.limits).toEqual(DEFAULT_CONNECTION_LIMITS);
  });

  it('reads every field, 0s disabling a timeout', () => {
    const config = parseWith(
      'request_headers_timeout: 2s\n          stream_idle_timeout: 0s\n          request_timeout: 1500ms\n' +
        '          drain_timeout: 1s\n' +
        '          common_http_protocol_options: { idle_timeout: 30s, max_connection_duration: 60s, max_requests_per_connection: 3 }',
    );
    expect(config.listeners[0]?.limits).toEqual({
      requestHeadersTimeoutMs: 2000,
      streamIdleTimeoutMs: 0,
      requestTimeoutMs: 1500,
      idleTimeoutMs: 30_000,
      maxConnectionDurationMs: 60_000,
      maxRequestsPerConnection: 3,
      drainTimeoutMs: 1000,
    });
  });

  it("takes a cluster's request cap from its common_http_protocol_options", () => {
    const config = parseWith(
      'server_name: envoy',
      '    common_http_protocol_options: { max_requests_per_connection: 7 }',
    );
    expect(config.clusters[0]?.maxRequestsPerConnection).toBe(7);
  });
});
