import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { buildClustersUrl, fetchClusters } from '../../../src/collect/clusters-client.js';
import { AbortedError, CollectError } from '../../../src/errors.js';

const fixture = (name: string): string =>
  readFileSync(new URL(`../../fixtures/clusters/${name}`, import.meta.url), 'utf8');

interface Answer {
  readonly status?: number;
  readonly body: string;
}

interface FakeAdmin {
  readonly url: string;
  /** Path and query of every request, in order. */
  readonly requests: string[];
  readonly headers: http.IncomingHttpHeaders[];
}

const servers: http.Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (server) =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => {
            resolve();
          });
        }),
    ),
  );
});

/** An admin endpoint on 127.0.0.1:0 that answers by path+query. */
async function startFakeAdmin(answers: Record<string, Answer>): Promise<FakeAdmin> {
  const requests: string[] = [];
  const headers: http.IncomingHttpHeaders[] = [];
  const server = http.createServer((request, response) => {
    const path = request.url ?? '/';
    requests.push(path);
    headers.push(request.headers);
    const answer = answers[path] ?? {
      status: 404,
      body: 'invalid path. admin commands are:\n  /clusters: upstream cluster status\n',
    };
    response.writeHead(answer.status ?? 200, { 'content-type': 'text/plain' });
    response.end(answer.body);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, requests, headers };
}

const now = (): number => 4242;

async function captureError(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a rejection');
}

describe('fetchClusters', () => {
  it('asks for ?format=json and parses the JSON', async () => {
    const admin = await startFakeAdmin({ '/clusters?format=json': { body: fixture('v1.18-json.json') } });
    const snapshot = await fetchClusters(admin.url, { now });
    expect(admin.requests).toEqual(['/clusters?format=json']);
    expect(snapshot.takenAtMs).toBe(4242);
    expect(snapshot.clusters.map((c) => [c.name, c.hosts.length])).toEqual([
      ['myapp_cluster', 3],
      ['empty_cluster', 0],
    ]);
  });

  it('parses text when an old Envoy ignores ?format=json, without a second request', async () => {
    const admin = await startFakeAdmin({ '/clusters?format=json': { body: fixture('v1.5-text.txt') } });
    const snapshot = await fetchClusters(admin.url, { now });
    expect(admin.requests).toEqual(['/clusters?format=json']);
    expect(snapshot.clusters[0]!.hosts.map((h) => h.counters.rq_total)).toEqual([34, 34, 33]);
  });

  it.each([
    ['garbage', { body: '<html>nope</html>' }],
    ['a 404', { status: 404, body: 'invalid path.' }],
  ])('falls back to plain /clusters when the JSON request answers %s', async (_, answer) => {
    const admin = await startFakeAdmin({
      '/clusters?format=json': answer,
      '/clusters': { body: fixture('v1.9-text.txt') },
    });
    const snapshot = await fetchClusters(admin.url, { now });
    expect(admin.requests).toEqual(['/clusters?format=json', '/clusters']);
    expect(snapshot.clusters.map((c) => c.name)).toEqual(['empty_cluster', 'myapp_cluster']);
  });

  it('asks only for text with format: text, under the admin URL’s path prefix', async () => {
    const admin = await startFakeAdmin({
      '/api/v1/proxy/clusters': { body: fixture('reference-example.txt') },
    });
    const snapshot = await fetchClusters(`${admin.url}/api/v1/proxy`, { now, format: 'text' });
    expect(admin.requests).toEqual(['/api/v1/proxy/clusters']);
    expect(snapshot.clusters[0]!.hosts[0]!.counters.rq_total).toBe(123);
  });

  it('names the URL and quotes the answer when nothing parses', async () => {
    const admin = await startFakeAdmin({
      '/clusters': { body: 'hello world' },
      '/clusters?format=json': { body: 'hello world' },
    });
    const error = await captureError(fetchClusters(admin.url, { now }));
    expect(error).toBeInstanceOf(CollectError);
    expect(error.message).toContain(`GET ${admin.url}/clusters: the answer is not a /clusters document`);
    expect(error.message).toContain('"hello world"');
  });

  it('names the URL and the status when /clusters answers an error', async () => {
    const admin = await startFakeAdmin({});
    const error = await captureError(fetchClusters(admin.url, { now }));
    expect(error).toBeInstanceOf(CollectError);
    expect(error.message).toMatch(new RegExp(`^GET ${admin.url}/clusters answered 404: "invalid path`));
  });

  it('reports a refused connection as a CollectError naming the URL', async () => {
    const admin = await startFakeAdmin({});
    const closed = servers.pop()!;
    await new Promise<void>((resolve) =>
      closed.close(() => {
        resolve();
      }),
    );
    const error = await captureError(fetchClusters(admin.url, { now, format: 'text' }));
    expect(error).toBeInstanceOf(CollectError);
    expect(error.message).toContain(`GET ${admin.url}/clusters failed: `);
    expect(error.message).toContain('ECONNREFUSED');
  });

  it('sends URL credentials as Basic auth and never shows them', async () => {
    const admin = await startFakeAdmin({ '/clusters': { status: 500, body: 'boom' } });
    const withCredentials = admin.url.replace('http://', 'http://admin:s3cret@');
    const error = await captureError(fetchClusters(withCredentials, { now, format: 'text' }));
    expect(admin.headers[0]!.authorization).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
    expect(error.message).not.toContain('s3cret');
    expect(error.message).toContain('GET http://***@127.0.0.1');
  });

  it('throws AbortedError when the run is interrupted and CollectError on a timeout', async () => {
    const admin = await startFakeAdmin({ '/clusters': { body: '' } });
    const interrupted = await captureError(
      fetchClusters(admin.url, { now, format: 'text', signal: AbortSignal.abort() }),
    );
    expect(interrupted).toBeInstanceOf(AbortedError);
    const timeout = AbortSignal.abort(new DOMException('took too long', 'TimeoutError'));
    const timedOut = await captureError(fetchClusters(admin.url, { now, format: 'text', signal: timeout }));
    expect(timedOut).toBeInstanceOf(CollectError);
    expect(timedOut.message).toContain('timed out');
  });

  it('rejects an admin URL that is not a URL', () => {
    expect(() => buildClustersUrl('not a url', undefined)).toThrow(CollectError);
  });
});
