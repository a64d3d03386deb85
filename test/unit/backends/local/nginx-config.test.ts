import { describe, expect, it } from 'vitest';

import { getNginxDocumentRoot, renderNginxConfig } from '../../../../src/backends/local/nginx-config.js';

const input = {
  podName: 'myapp-5d4f8c7b9d-x2x7k',
  ip: '127.0.1.2',
  port: 41234,
  podDir: '/tmp/lbbench-x/myapp-1',
};

describe('renderNginxConfig', () => {
  const config = renderNginxConfig(input);

  it.each([
    ['listens on the pod address and port', /listen 127\.0\.1\.2:41234;/],
    ['runs in the foreground', /^daemon off;$/m],
    ['runs one process, so its pid is the whole pod', /^master_process off;$/m],
    ['keeps its pid file in the pod folder', /^pid "\/tmp\/lbbench-x\/myapp-1\/nginx\.pid";$/m],
    ['logs errors to stderr', /^error_log stderr warn;$/m],
    ['has no access log', /access_log off;/],
    ['names the pod in every answer', /add_header X-Upstream-Pod "myapp-5d4f8c7b9d-x2x7k" always;/],
    ['keeps benchmark connections open', /keepalive_requests 1000000000;/],
    ['keeps idle connections 75 s', /keepalive_timeout 75s;/],
    ['answers every path with the page', /try_files \$uri \/index\.html;/],
    ['serves the pod folder page', /root "\/tmp\/lbbench-x\/myapp-1\/html";/],
  ])('%s', (_what, pattern) => {
    expect(config).toMatch(pattern);
  });

  it.each(['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'])(
    'keeps %s temp files in the pod folder',
    (kind) => {
      expect(config).toContain(`${kind}_temp_path "/tmp/lbbench-x/myapp-1/${kind}_temp";`);
    },
  );

  it('quotes paths with quotes and backslashes', () => {
    const odd = renderNginxConfig({ ...input, podDir: '/tmp/a "b"\\c' });
    expect(odd).toContain('pid "/tmp/a \\"b\\"\\\\c/nginx.pid";');
  });

  it('puts the document root under the pod folder', () => {
    expect(getNginxDocumentRoot('/x/pod')).toBe('/x/pod/html');
  });
});
