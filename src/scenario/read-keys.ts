import { describeValue } from '../validation/describe-value.js';
import { joinPath } from '../validation/join-path.js';
import { readChoice, readInteger, readMapping, readPositiveNumber } from './read-fields.js';
import type { IssueSink } from './read-fields.js';
import { SCENARIO_LIMITS } from './scenario-defaults.js';
import { KEY_DISTRIBUTIONS } from './types.js';
import type { KeySpec } from './types.js';

/** The fields of `load.keys`. */
export const KEY_FIELDS = ['header', 'count', 'distribution', 'exponent'];

/** An HTTP field name (RFC 9110 §5.1 token), lowercase as HTTP/2 and Envoy's header matching want it. */
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9a-z-]+$/;

/**
 * Reads `load.keys`: `{ header, count, distribution: zipf | uniform, exponent }`. `header` and `count` are
 * required; `exponent` is required for zipf and refused for uniform. Undefined when the field is absent.
 */
export function readKeysSection(value: unknown, issues: IssueSink): KeySpec | undefined {
  if (value === undefined || value === null) return undefined;
  const path = 'load.keys';
  const raw = readMapping(value, path, KEY_FIELDS, issues);
  const distribution = readChoice(
    raw.distribution,
    joinPath(path, 'distribution'),
    KEY_DISTRIBUTIONS,
    'zipf',
    issues,
  );
  return {
    header: readHeaderName(raw.header, joinPath(path, 'header'), issues),
    count: readKeyCount(raw.count, joinPath(path, 'count'), issues),
    distribution,
    exponent: readExponent(raw.exponent, distribution, joinPath(path, 'exponent'), issues),
  };
}

function readHeaderName(value: unknown, path: string, issues: IssueSink): string {
  if (value === undefined) {
    issues.push({ path, message: 'is required: the request header that carries the key, e.g. x-user-id' });
    return '';
  }
  if (typeof value !== 'string' || !HEADER_NAME_PATTERN.test(value)) {
    const hint = typeof value === 'string' && HEADER_NAME_PATTERN.test(value.toLowerCase());
    issues.push({
      path,
      message:
        `must be an HTTP header name in lowercase (letters, digits and !#$%&'*+.^_\`|~-), got ${describeValue(value)}` +
        (hint ? `; write "${value.toLowerCase()}"` : ''),
    });
    return '';
  }
  return value;
}

function readKeyCount(value: unknown, path: string, issues: IssueSink): number {
  if (value === undefined) {
    issues.push({ path, message: 'is required: how many distinct keys, e.g. 1000' });
    return 1;
  }
  return readInteger(value, path, SCENARIO_LIMITS.keyCount, 1, issues);
}

function readExponent(
  value: unknown,
  distribution: KeySpec['distribution'],
  path: string,
  issues: IssueSink,
): number | undefined {
  if (distribution === 'uniform') {
    if (value !== undefined) {
      issues.push({
        path,
        message: `only applies to distribution zipf, but distribution is uniform; remove it (got ${describeValue(value)})`,
      });
    }
    return undefined;
  }
  if (value === undefined) {
    issues.push({ path, message: 'is required for distribution zipf: a number > 0, e.g. 1.1' });
    return 1;
  }
  return readPositiveNumber(value, path, 'the zipf exponent', issues) ?? 1;
}
