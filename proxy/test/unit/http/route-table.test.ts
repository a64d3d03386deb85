import { describe, expect, it } from 'vitest';
import { createRouteTable } from '../../../src/http/route-table.js';
import type { RouteConfig, VirtualHostConfig } from '../../../src/types.js';

const route = (cluster: string, match: RouteConfig['match']): RouteConfig => ({
  match,
  cluster,
  hostRewrite: undefined,
  timeoutMs: 15000,
  retryPolicy: undefined,
  hashPolicy: [],
});
const host = (name: string, domains: string[], routes: RouteConfig[]): VirtualHostConfig => ({
  name,
  domains,
  routes,
});

describe('createRouteTable', () => {
  const table = createRouteTable([
    host('exact', ['api.example.com'], [route('api', { prefix: '/' })]),
    host('suffix', ['*.example.com'], [route('wild', { prefix: '/' })]),
    host('longer-suffix', ['*.b.example.com'], [route('wild-b', { prefix: '/' })]),
    host('prefix', ['example.*'], [route('pre', { prefix: '/' })]),
    host('any', ['*'], [route('exact-path', { path: '/health' }), route('rest', { prefix: '/v1/' })]),
  ]);

  it.each([
    ['api.example.com', '/x', 'api'],
    ['API.example.com', '/x', 'api'],
    ['api.example.com:8080', '/v1/x', 'rest'],
    ['a.example.com', '/x', 'wild'],
    ['x.b.example.com', '/x', 'wild-b'],
    ['example.org', '/x', 'pre'],
    ['other', '/health', 'exact-path'],
    ['other', '/health?x=1', 'exact-path'],
    ['other', '/v1/users', 'rest'],
  ])('routes %s %s to %s', (hostHeader, target, cluster) => {
    expect(table.match(hostHeader, target)?.cluster).toBe(cluster);
  });

  it('returns undefined when no route matches (Envoy answers 404)', () => {
    expect(table.match('other', '/v2')).toBeUndefined();
  });

  it('answers the seed scenario table for any host and path', () => {
    const seed = createRouteTable([host('local_service', ['*'], [route('myapp_cluster', { prefix: '/' })])]);
    expect(seed.match(undefined, '/anything')?.cluster).toBe('myapp_cluster');
    expect(seed.match('x', '*')).toBeUndefined();
  });
});
