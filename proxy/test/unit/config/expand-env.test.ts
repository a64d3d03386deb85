import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { expandEnv } from '../../../src/config/expand-env.js';
import { ProxyConfigError } from '../../../src/config/proxy-config-error.js';

describe('expandEnv', () => {
  it.each([
    ['lb_policy: ${ENVOY_LB_ALG}', { ENVOY_LB_ALG: 'RANDOM' }, 'lb_policy: RANDOM'],
    ['${A}${B}-${A}', { A: 'x', B: 'y' }, 'xy-x'],
    ['address: ${SERVICE_NAME}', { SERVICE_NAME: '' }, 'address: '],
    [
      'keep $VAR and $ {VAR} and ${1X} and ${A-b}',
      { VAR: 'no' },
      'keep $VAR and $ {VAR} and ${1X} and ${A-b}',
    ],
    ['value: ${V}', { V: '${W}' }, 'value: ${W}'],
  ])('expands %j', (text, env, expected) => {
    expect(expandEnv(text, env)).toBe(expected);
  });

  it('names every unset variable with its line and column', () => {
    const text = 'a: 1\nb: ${FIRST}\nc: x ${SECOND} ${FIRST}\n';
    let caught: unknown;
    try {
      expandEnv(text, { OTHER: 'set' }, 'envoy.yaml');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ProxyConfigError);
    expect((caught as ProxyConfigError).message).toBe(
      [
        'envoy.yaml: line 2, column 4: environment variable FIRST is not set (used as ${FIRST}); set it or replace the reference',
        'envoy.yaml: line 3, column 6: environment variable SECOND is not set (used as ${SECOND}); set it or replace the reference',
        'envoy.yaml: line 3, column 16: environment variable FIRST is not set (used as ${FIRST}); set it or replace the reference',
      ].join('\n'),
    );
  });

  it('leaves text without ${ untouched', () => {
    fc.assert(
      fc.property(
        fc.string().filter((text) => !text.includes('${')),
        (text) => expandEnv(text, {}) === text,
      ),
    );
  });

  it('substitutes any value verbatim', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (before, value) => {
        const prefix = before.replaceAll('$', '');
        return expandEnv(`${prefix}\${NAME}${prefix}`, { NAME: value }) === `${prefix}${value}${prefix}`;
      }),
    );
  });
});
