import { describe, expect, it } from 'vitest';
import { CLUSTER_IP_ROW } from '../../../src/scenario/cluster-ip-row.js';
import type { IssueSink } from '../../../src/scenario/read-fields.js';
import { readPolicyEntry } from '../../../src/scenario/read-policy-entry.js';

describe('the CLUSTER_IP policy entry', () => {
  it.each(['CLUSTER_IP', 'cluster-ip', { proxy: 'cluster-ip' }])('%j is the CLUSTER_IP row', (value) => {
    const issues: IssueSink = [];
    expect(readPolicyEntry(value, 'policies[0]', issues)).toEqual(CLUSTER_IP_ROW);
    expect(issues).toEqual([]);
  });

  it('rejects settings on it: the Service has none to set', () => {
    const issues: IssueSink = [];
    expect(readPolicyEntry({ proxy: 'cluster-ip', name: 'KP' }, 'policies[1]', issues)).toBeUndefined();
    expect(issues.map((issue) => issue.path)).toEqual(['policies[1].name']);
    expect(issues[0]?.message).toContain('unknown field');
  });
});
