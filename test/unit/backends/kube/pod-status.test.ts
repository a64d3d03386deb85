import { describe, expect, it } from 'vitest';
import type { PodObject } from '../../../../src/backends/kube/manifest-types.js';
import {
  describePodProblems,
  getPodProblem,
  isPodGone,
  isPodReady,
} from '../../../../src/backends/kube/pod-status.js';

const pod = (
  status: NonNullable<PodObject['status']>,
  metadata: NonNullable<PodObject['metadata']> = { name: 'p' },
): PodObject => ({ metadata, status });

describe('pod status', () => {
  it.each([
    ['Ready True', pod({ conditions: [{ type: 'Ready', status: 'True' }] }), true],
    ['Ready False', pod({ conditions: [{ type: 'Ready', status: 'False' }] }), false],
    ['no conditions', pod({}), false],
  ])('isPodReady: %s', (_what, value, expected) => {
    expect(isPodReady(value)).toBe(expected);
  });

  it.each([
    ['deleting', pod({ phase: 'Running' }, { name: 'p', deletionTimestamp: new Date(0) }), true],
    ['failed', pod({ phase: 'Failed' }), true],
    ['running', pod({ phase: 'Running' }), false],
  ])('isPodGone: %s', (_what, value, expected) => {
    expect(isPodGone(value)).toBe(expected);
  });

  it.each([
    [
      'image pull',
      pod({
        containerStatuses: [
          {
            name: 'c',
            image: 'i',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ErrImagePull', message: 'not found' } },
          },
        ],
      }),
      'ErrImagePull: not found',
    ],
    [
      'creating (not a problem)',
      pod({
        containerStatuses: [
          {
            name: 'c',
            image: 'i',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ContainerCreating' } },
          },
        ],
      }),
      '',
    ],
    [
      'crash',
      pod({
        containerStatuses: [
          {
            name: 'c',
            image: 'i',
            imageID: '',
            ready: false,
            restartCount: 2,
            lastState: { terminated: { reason: 'Error', exitCode: 1 } },
          },
        ],
      }),
      'exited (Error, code 1)',
    ],
    [
      'unschedulable',
      pod({
        conditions: [
          {
            type: 'PodScheduled',
            status: 'False',
            reason: 'Unschedulable',
            message: '0/3 nodes are available',
          },
        ],
      }),
      'Unschedulable: 0/3 nodes are available',
    ],
  ])('getPodProblem: %s', (_what, value, expected) => {
    expect(getPodProblem(value)).toBe(expected);
  });

  it('describePodProblems names only the not-Ready pods with a known problem', () => {
    const stuck = pod(
      {
        containerStatuses: [
          {
            name: 'c',
            image: 'i',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff' } },
          },
        ],
      },
      { name: 'myapp-1' },
    );
    const ready = pod({ conditions: [{ type: 'Ready', status: 'True' }] }, { name: 'myapp-2' });
    expect(describePodProblems([stuck, ready, pod({}, { name: 'myapp-3' })])).toBe(
      'myapp-1: ImagePullBackOff',
    );
  });
});
