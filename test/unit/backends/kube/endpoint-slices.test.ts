import { describe, expect, it } from 'vitest';
import { toPodsFromSlices } from '../../../../src/backends/kube/endpoint-slices.js';
import type { EndpointSliceObject } from '../../../../src/backends/kube/manifest-types.js';

const slice = (
  endpoints: EndpointSliceObject['endpoints'],
  ports: EndpointSliceObject['ports'] = [{ name: 'web', port: 8080 }],
): EndpointSliceObject => ({
  addressType: 'IPv4',
  endpoints,
  ports,
});

describe('toPodsFromSlices', () => {
  it('maps each endpoint to its pod, IP, named port and readiness, sorted by name', () => {
    const pods = toPodsFromSlices(
      [
        slice([
          {
            addresses: ['10.244.1.7'],
            conditions: { ready: true },
            targetRef: { kind: 'Pod', name: 'myapp-b' },
          },
          {
            addresses: ['10.244.2.3'],
            conditions: { ready: false },
            targetRef: { kind: 'Pod', name: 'myapp-a' },
          },
        ]),
        slice([{ addresses: ['10.244.3.9'], targetRef: { kind: 'Pod', name: 'myapp-c' } }], []),
      ],
      'web',
      80,
    );
    expect(pods).toEqual([
      { name: 'myapp-a', ip: '10.244.2.3', port: 8080, ready: false },
      { name: 'myapp-b', ip: '10.244.1.7', port: 8080, ready: true },
      // No ready condition means ready (EndpointConditions API); no named port means the default.
      { name: 'myapp-c', ip: '10.244.3.9', port: 80, ready: true },
    ]);
  });

  it.each([
    [
      'a terminating endpoint is not ready',
      {
        addresses: ['10.0.0.1'],
        conditions: { ready: true, terminating: true },
        targetRef: { kind: 'Pod', name: 'p' },
      },
      [{ name: 'p', ip: '10.0.0.1', port: 8080, ready: false }],
    ],
    [
      'an endpoint without a Pod targetRef is skipped',
      { addresses: ['10.0.0.1'], targetRef: { kind: 'Node', name: 'n' } },
      [],
    ],
    [
      'an endpoint without addresses is skipped',
      { addresses: [], targetRef: { kind: 'Pod', name: 'p' } },
      [],
    ],
  ])('%s', (_what, endpoint, expected) => {
    expect(toPodsFromSlices([slice([endpoint])], 'web', 80)).toEqual(expected);
  });

  it('lists a pod once even when two slices name it', () => {
    const endpoint = { addresses: ['10.0.0.1'], targetRef: { kind: 'Pod', name: 'p' } };
    expect(toPodsFromSlices([slice([endpoint]), slice([endpoint])], 'web', 80)).toHaveLength(1);
  });
});
