import { describe, expect, it } from 'vitest';
import type { NginxBalancerConfigInput } from '../../../../src/backends/other-proxies/nginx-balancer-config.js';
import {
  formatNginxMethod,
  renderNginxBalancerConfig,
} from '../../../../src/backends/other-proxies/nginx-balancer-config.js';

const INPUT: NginxBalancerConfigInput = {
  policy: 'least_conn',
  generation: 3,
  servers: ['127.0.1.1:8080', '127.0.1.2:8080'],
  listen: { host: '127.0.0.1', port: 10080 },
  status: { host: '127.0.0.1', port: 10081 },
  hostHeader: 'myapp',
  workers: 1,
  connectTimeoutMs: 250,
  responseTimeoutMs: 60_000,
  idleTimeoutMs: 90_000,
  runDir: '/run/lbbench/nginx-1.d',
  errorLog: '/run/lbbench/nginx-1.d/error.log',
};

/** The lines of the block that starts with `opening` (e.g. `upstream myapp {`), trimmed. */
function block(config: string, opening: string): string[] {
  const lines = config.split('\n').map((line) => line.trim());
  const start = lines.indexOf(opening);
  const end = lines.indexOf('}', start);
  return start < 0 ? [] : lines.slice(start + 1, end);
}

describe('renderNginxBalancerConfig', () => {
  it.each([
    ['round_robin', undefined],
    ['least_conn', 'least_conn;'],
    ['random_two', 'random two least_conn;'],
  ] as const)('%s is emitted as %s', (policy, directive) => {
    expect(formatNginxMethod(policy)).toBe(directive);
    const upstream = block(renderNginxBalancerConfig({ ...INPUT, policy }), 'upstream myapp {');
    expect(upstream[0]).toBe(directive ?? 'server 127.0.1.1:8080;');
  });

  it('lists exactly the given pods, with upstream keep-alive', () => {
    expect(block(renderNginxBalancerConfig(INPUT), 'upstream myapp {')).toEqual([
      'least_conn;',
      'server 127.0.1.1:8080;',
      'server 127.0.1.2:8080;',
      'keepalive 1024;',
      'keepalive_requests 1000000000;',
      'keepalive_timeout 90000ms;',
    ]);
  });

  it('proxies over HTTP/1.1 keep-alive without retrying another pod', () => {
    const location = block(renderNginxBalancerConfig(INPUT), 'location / {');
    expect(location).toEqual(
      expect.arrayContaining([
        'proxy_pass http://myapp;',
        'proxy_http_version 1.1;',
        'proxy_set_header Connection "";',
        'proxy_set_header Host myapp;',
        'proxy_connect_timeout 250ms;',
        'proxy_next_upstream off;',
      ]),
    );
  });

  it('answers its generation on the traffic port, so a reload is seen done', () => {
    expect(block(renderNginxBalancerConfig(INPUT), 'location = /lbbench-generation {')).toEqual([
      'return 200 "3\\n";',
    ]);
  });

  it('keeps an upstream without Ready pods valid with a server marked down', () => {
    expect(block(renderNginxBalancerConfig({ ...INPUT, servers: [] }), 'upstream myapp {')).toContain(
      'server 127.0.0.1:9 down;',
    );
  });

  it('puts the pid file and temp paths in the run folder locally, and leaves the image defaults alone', () => {
    const local = renderNginxBalancerConfig(INPUT);
    expect(local).toContain('pid "/run/lbbench/nginx-1.d/nginx.pid";');
    expect(local).toContain('proxy_temp_path "/run/lbbench/nginx-1.d/proxy_temp";');
    const image = renderNginxBalancerConfig({ ...INPUT, runDir: undefined, errorLog: 'stderr' });
    expect(image).not.toContain('pid ');
    expect(image).not.toContain('_temp_path');
    expect(image).toContain('error_log stderr notice;');
  });
});
