import { describe, expect, it } from 'vitest';
import {
  getServiceName,
  isInClusterDomain,
  isValidDomainName,
  isValidServiceName,
  normalizeDnsName,
} from '../../../../src/backends/local/dns-names.js';

const NAMING = { namespace: 'default', clusterDomain: 'cluster.local' };

describe('dns-names', () => {
  it.each([
    ['myapp', 'myapp'],
    ['myapp.default', 'myapp'],
    ['myapp.default.svc', 'myapp'],
    ['myapp.default.svc.cluster.local', 'myapp'],
    ['myapp.default.svc.cluster.local.', 'myapp'],
    ['MYAPP.Default.Svc.Cluster.Local', 'myapp'],
    ['my-app-2', 'my-app-2'],
    ['default', 'default'],
    ['myapp.kube-system', undefined],
    ['myapp.default.svc.cluster', undefined],
    ['pod.myapp.default.svc.cluster.local', undefined],
    ['default.svc.cluster.local', undefined],
    ['cluster.local', undefined],
    ['-bad', undefined],
    ['', undefined],
  ])('getServiceName(%j) = %j', (name, expected) => {
    expect(getServiceName(name, NAMING)).toBe(expected);
  });

  it.each([
    ['cluster.local', true],
    ['x.svc.cluster.local.', true],
    ['CLUSTER.LOCAL', true],
    ['notcluster.local', false],
    ['myapp', false],
  ])('isInClusterDomain(%j) = %s', (name, expected) => {
    expect(isInClusterDomain(name, NAMING)).toBe(expected);
  });

  it.each([
    ['myapp', true],
    ['a', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['my_app', false],
    ['MyApp', false],
    ['app-', false],
    ['my.app', false],
  ])('isValidServiceName(%j) = %s', (name, expected) => {
    expect(isValidServiceName(name)).toBe(expected);
  });

  it.each([
    ['cluster.local', true],
    ['local', true],
    ['a..b', false],
    ['', false],
    [`${'a'.repeat(60)}.`.repeat(5), false],
  ])('isValidDomainName(%j) = %s', (name, expected) => {
    expect(isValidDomainName(name)).toBe(expected);
  });

  it('normalizes case and one trailing dot', () => {
    expect(normalizeDnsName('MyApp.Default.')).toBe('myapp.default');
    expect(normalizeDnsName('myapp')).toBe('myapp');
  });
});
