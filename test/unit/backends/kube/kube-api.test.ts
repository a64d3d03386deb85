import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { AbortedError, ClusterError, LbbenchError, UsageError } from '../../../../src/errors.js';
import { callKube, getApiStatus, toKubeError } from '../../../../src/backends/kube/kube-api.js';

const TARGET = 'context "kind-lbbench" (https://127.0.0.1:6443)';

describe('toKubeError', () => {
  it('an unreachable API server is an environment error that says what to check', () => {
    const refused = Object.assign(
      new Error('request to https://127.0.0.1:6443/version failed, reason: connect ECONNREFUSED'),
      {
        code: 'ECONNREFUSED',
      },
    );
    const error = toKubeError(refused, 'reading the Kubernetes version', TARGET);
    expect(error).toBeInstanceOf(ClusterError);
    expect(error.category).toBe('environment');
    expect(error.message).toContain('cannot reach the Kubernetes API of context "kind-lbbench"');
    expect(error.message).toContain('kubectl config current-context');
    expect(error.cause).toBe(refused);
  });

  it.each([
    [403, { message: 'namespaces is forbidden' }, /HTTP 403: namespaces is forbidden\..*kubectl auth can-i/],
    [422, '{"message":"spec.replicas: Invalid value"}', /HTTP 422: spec\.replicas: Invalid value/],
    [500, 'plain failure', /HTTP 500: plain failure/],
  ])('HTTP %i becomes a ClusterError with the API message', (code, body, message) => {
    const error = toKubeError(new ApiException(code, 'x', body, {}), 'creating Service ns/myapp', TARGET);
    expect(error).toBeInstanceOf(ClusterError);
    expect(error.message).toMatch(message);
    expect(getApiStatus(error)).toBe(code);
  });

  it('an aborted request becomes AbortedError; lbbench errors pass through', () => {
    const abort = Object.assign(new Error('The user aborted a request.'), {
      name: 'AbortError',
      type: 'aborted',
    });
    expect(toKubeError(abort, 'x', TARGET)).toBeInstanceOf(AbortedError);
    const usage = new UsageError('bad');
    expect(toKubeError(usage, 'x', TARGET)).toBe(usage);
  });
});

describe('callKube', () => {
  it('rejects with AbortedError as soon as the signal fires', async () => {
    const controller = new AbortController();
    const pending = callKube(
      { target: TARGET },
      'listing pods',
      controller.signal,
      () => new Promise<never>(() => undefined),
    );
    controller.abort();
    await expect(pending).rejects.toBeInstanceOf(AbortedError);
  });

  it('rejects with a ClusterError naming the call and what to check when the API does not answer', async () => {
    const pending = callKube(
      { target: TARGET },
      'listing pods',
      undefined,
      () => new Promise<never>(() => undefined),
      10,
    );
    await expect(pending).rejects.toBeInstanceOf(ClusterError);
    await expect(pending).rejects.toThrow(
      /^listing pods: the Kubernetes API of .* did not answer within .*kubectl cluster-info/,
    );
  });

  it('maps the call error and keeps it as the cause', async () => {
    const failure = new ApiException(404, 'x', { message: 'not found' }, {});
    const rejected = callKube({ target: TARGET }, 'reading x', undefined, () => Promise.reject(failure));
    await expect(rejected).rejects.toSatisfy(
      (error: unknown) => error instanceof LbbenchError && error.cause === failure,
    );
  });
});
