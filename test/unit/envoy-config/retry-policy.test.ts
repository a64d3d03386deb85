import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseDocument } from 'yaml';
import { renderEnvoyConfig } from '../../../src/backends/kube/envoy-config.js';
import { ProxyError } from '../../../src/errors.js';
import { setRetryPolicy } from '../../../src/envoy-config/retry-policy.js';
import { envoyRow } from '../../../src/scenario/envoy-row.js';
import { readRetries } from '../../../src/scenario/read-retries.js';
import { resolveRowRetries } from '../../../src/scenario/row-retries.js';
import type { IssueSink } from '../../../src/scenario/read-fields.js';
import type { RetrySettings } from '../../../src/scenario/types.js';

const RETRIES: RetrySettings = {
  retryOn: ['5xx', 'connect-failure'],
  numRetries: 2,
  perTryTimeoutMs: 500,
  previousHosts: true,
  hostSelectionRetryMaxAttempts: 3,
};

function renderTemplate(name: string) {
  const text = readFileSync(new URL(`../../../proxy/${name}`, import.meta.url), 'utf8');
  return parseDocument(renderEnvoyConfig(text, { policy: 'RING_HASH', serviceName: 'myapp' }, name));
}

describe('setRetryPolicy', () => {
  it.each([
    ['envoy-v3.yaml.tmpl', true],
    ['envoy.yaml.tmpl', false],
  ])('puts the retry_policy on the route of %s', (name, isV3) => {
    const doc = renderTemplate(name);
    setRetryPolicy(doc, RETRIES, name);
    const text = doc.toString();
    const filter = isV3 ? 'typed_config' : 'config';
    const route = doc.getIn([
      'static_resources',
      'listeners',
      0,
      'filter_chains',
      0,
      'filters',
      0,
      filter,
      'route_config',
      'virtual_hosts',
      0,
      'routes',
      0,
      'route',
      'retry_policy',
    ]);
    const predicate = isV3
      ? {
          name: 'envoy.retry_host_predicates.previous_hosts',
          typed_config: {
            '@type':
              'type.googleapis.com/envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate',
          },
        }
      : { name: 'envoy.retry_host_predicates.previous_hosts' };
    expect(JSON.parse(JSON.stringify(route))).toEqual({
      retry_on: '5xx,connect-failure',
      num_retries: 2,
      per_try_timeout: '0.5s',
      retry_host_predicate: [predicate],
      host_selection_retry_max_attempts: 3,
    });
    expect(text).toContain('retry_policy');
  });

  it('leaves the predicate out when previousHosts is off', () => {
    const doc = renderTemplate('envoy-v3.yaml.tmpl');
    setRetryPolicy(doc, { ...RETRIES, previousHosts: false, perTryTimeoutMs: undefined }, 'x');
    expect(doc.toString()).not.toContain('retry_host_predicate');
    expect(doc.toString()).not.toContain('per_try_timeout');
  });

  it('names the file when the config has no route', () => {
    expect(() => {
      setRetryPolicy(parseDocument('admin: {}'), RETRIES, 'mine.yaml');
    }).toThrow(ProxyError);
    expect(() => {
      setRetryPolicy(parseDocument('admin: {}'), RETRIES, 'mine.yaml');
    }).toThrow(/^mine\.yaml: no route/);
  });
});

describe('readRetries', () => {
  it('reads every field with Envoy defaults and a comma-separated retryOn', () => {
    const issues: IssueSink = [];
    expect(readRetries({ retryOn: '5xx, reset' }, 'proxy.retries', issues)).toEqual({
      retryOn: ['5xx', 'reset'],
      numRetries: 1,
      perTryTimeoutMs: undefined,
      previousHosts: false,
      hostSelectionRetryMaxAttempts: 1,
    });
    expect(issues).toEqual([]);
    expect(readRetries(false, 'policies[0].retries', issues)).toBeUndefined();
  });

  it.each([
    [
      { retryOn: ['5xx', 'refused-stream'] },
      'proxy.retries.retryOn',
      /unsupported retry condition "refused-stream"/,
    ],
    [{}, 'proxy.retries.retryOn', /is required/],
    [{ retryOn: '5xx', numRetries: -1 }, 'proxy.retries.numRetries', /must be/],
    [
      { retryOn: '5xx', hostSelectionRetryMaxAttempts: 0 },
      'proxy.retries.hostSelectionRetryMaxAttempts',
      /must be/,
    ],
    [{ retryOn: '5xx', previousHost: true }, 'proxy.retries.previousHost', /unknown field/],
  ])('rejects %j at %s', (value, path, message) => {
    const issues: IssueSink = [];
    readRetries(value, 'proxy.retries', issues);
    expect(issues.map((issue) => issue.path)).toContain(path);
    expect(issues.find((issue) => issue.path === path)?.message).toMatch(message);
  });
});

describe('resolveRowRetries', () => {
  const row = envoyRow('ROUND_ROBIN');
  it('takes the row’s own retries, none for false, else the scenario’s', () => {
    expect(resolveRowRetries(row, RETRIES)).toBe(RETRIES);
    expect(resolveRowRetries({ ...row, settings: { retries: false } }, RETRIES)).toBeUndefined();
    const own = { ...RETRIES, numRetries: 5 };
    expect(resolveRowRetries({ ...row, settings: { retries: own } }, RETRIES)).toBe(own);
    expect(resolveRowRetries(row, undefined)).toBeUndefined();
  });
});
