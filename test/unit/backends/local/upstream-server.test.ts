import { describe, expect, it } from 'vitest';

import { choosePodServer, parseNginxVersion } from '../../../../src/backends/local/upstream-server.js';
import type { UpstreamServerChoice } from '../../../../src/scenario/types.js';

describe('choosePodServer', () => {
  it.each<[UpstreamServerChoice, boolean, boolean, 'nginx' | 'node']>([
    ['auto', true, false, 'nginx'],
    ['auto', false, false, 'node'],
    ['auto', true, true, 'node'],
    ['nginx', true, false, 'nginx'],
    ['nginx', true, true, 'node'],
    ['node', true, false, 'node'],
  ])('choice %s, nginx installed %s, needs a delay %s → %s', (choice, hasNginx, needsDelay, expected) => {
    expect(choosePodServer({ choice, hasNginx, needsDelay })).toBe(expected);
  });
});

describe('parseNginxVersion', () => {
  it.each([
    ['nginx version: nginx/1.22.1', 'nginx/1.22.1'],
    ['nginx version: nginx/1.10.3 (Ubuntu)\n', 'nginx/1.10.3'],
    ['nginx version: openresty/1.21.4.1', 'openresty/1.21.4.1'],
    ['something else', undefined],
  ])('%j → %s', (output, expected) => {
    expect(parseNginxVersion(output)).toBe(expected);
  });
});
