import { LB_POLICIES } from 'lbbench-proxy';
import type { LbPolicy } from 'lbbench-proxy';
import { describeValue } from '../validation/describe-value.js';
import { joinPath } from '../validation/join-path.js';
import { envoyRow } from './envoy-row.js';
import { normalizePolicyName } from './policy-name.js';
import { formatSuggestion } from '../validation/suggest-name.js';
import { readDuration, readMapping, readText } from './read-fields.js';
import type { IssueSink, RawMapping } from './read-fields.js';
import { readHealthCheck, readOutlierDetection } from './read-resilience.js';
import { ROW_NAME_RULE } from './row-names.js';
import { readRetries } from './read-retries.js';
import type { EnvoyPolicyEntry, EnvoyPolicySettings, SlowStartSettings } from './types.js';

/** The fields of an Envoy policy entry object. */
export const ENVOY_ENTRY_KEYS = [
  'proxy',
  'policy',
  'name',
  'choiceCount',
  'activeRequestBias',
  'minimumRingSize',
  'slowStart',
  'outlierDetection',
  'healthCheck',
  'retries',
] as const;

const SLOW_START_KEYS = ['window', 'aggression', 'minWeightPercent'] as const;

/** The largest `minimum_ring_size` Envoy accepts (its proto validation: lte 8388608). */
export const MAX_RING_SIZE = 8_388_608;

/** Envoy's defaults of `slow_start_config` when a field is left out. */
export const SLOW_START_DEFAULTS = { aggression: 1, minWeightPercent: 10 } as const;

/** Which policies each setting applies to, as Envoy's per-policy `*_lb_config` messages hold them. */
const SETTING_POLICIES: Readonly<Record<keyof EnvoyPolicySettings, readonly LbPolicy[]>> = {
  choiceCount: ['LEAST_REQUEST'],
  activeRequestBias: ['LEAST_REQUEST'],
  minimumRingSize: ['RING_HASH'],
  slowStart: ['ROUND_ROBIN', 'LEAST_REQUEST'],
  outlierDetection: LB_POLICIES,
  healthCheck: LB_POLICIES,
  retries: LB_POLICIES,
};

/** Reads a policy name into an Envoy row named after the policy; undefined (with an issue) for an unknown name. */
export function readEnvoyPolicyName(
  value: unknown,
  path: string,
  issues: IssueSink,
): EnvoyPolicyEntry | undefined {
  const policy = readPolicyName(value, path, issues);
  return policy === undefined ? undefined : envoyRow(policy);
}

/**
 * Reads an Envoy entry object `{ policy, name?, choiceCount?, activeRequestBias?, minimumRingSize?, slowStart? }`:
 * each setting within the limits Envoy validates, and only on a policy it applies to.
 */
export function readEnvoyPolicyEntry(
  raw: RawMapping,
  path: string,
  issues: IssueSink,
): EnvoyPolicyEntry | undefined {
  readMapping(raw, path, ENVOY_ENTRY_KEYS, issues);
  const policyPath = joinPath(path, 'policy');
  if (raw.policy === undefined) {
    issues.push({ path: policyPath, message: `is required: one of ${LB_POLICIES.join(', ')}` });
    return undefined;
  }
  const policy = readPolicyName(raw.policy, policyPath, issues);
  const name = readText(raw.name, joinPath(path, 'name'), issues, ROW_NAME_RULE);
  const settings = readSettings(raw, path, issues);
  if (policy === undefined) return undefined;
  for (const key of Object.keys(settings) as (keyof EnvoyPolicySettings)[]) {
    const policies = SETTING_POLICIES[key];
    if (!policies.includes(policy)) {
      issues.push({
        path: joinPath(path, key),
        message: `does not apply to ${policy}; Envoy has it only for ${policies.join(' and ')}`,
      });
    }
  }
  return { name: name ?? policy, proxy: 'envoy', policy, settings };
}

function readPolicyName(value: unknown, path: string, issues: IssueSink): LbPolicy | undefined {
  const policy = typeof value === 'string' ? normalizePolicyName(value) : undefined;
  if (policy !== undefined) return policy;
  const hint = typeof value === 'string' ? formatSuggestion(value.trim(), LB_POLICIES) : '';
  issues.push({
    path,
    message: `must be one of ${LB_POLICIES.join(', ')}, got ${describeValue(value)}${hint}`,
  });
  return undefined;
}

function readSettings(raw: RawMapping, path: string, issues: IssueSink): EnvoyPolicySettings {
  const choiceCount = readWhole(raw.choiceCount, joinPath(path, 'choiceCount'), 2, undefined, issues);
  const activeRequestBias = readNumber(
    raw.activeRequestBias,
    joinPath(path, 'activeRequestBias'),
    { min: 0, isMinIncluded: true },
    issues,
  );
  const minimumRingSize = readWhole(
    raw.minimumRingSize,
    joinPath(path, 'minimumRingSize'),
    1,
    MAX_RING_SIZE,
    issues,
  );
  const slowStart = readSlowStart(raw.slowStart, joinPath(path, 'slowStart'), issues);
  const outlierDetection =
    raw.outlierDetection === false
      ? false
      : readOutlierDetection(raw.outlierDetection, joinPath(path, 'outlierDetection'), issues);
  const healthCheck =
    raw.healthCheck === false
      ? false
      : readHealthCheck(raw.healthCheck, joinPath(path, 'healthCheck'), issues);
  const retries = raw.retries === false ? false : readRetries(raw.retries, joinPath(path, 'retries'), issues);
  return {
    ...(retries === undefined ? {} : { retries }),
    ...(outlierDetection === undefined ? {} : { outlierDetection }),
    ...(healthCheck === undefined ? {} : { healthCheck }),
    ...(choiceCount === undefined ? {} : { choiceCount }),
    ...(activeRequestBias === undefined ? {} : { activeRequestBias }),
    ...(minimumRingSize === undefined ? {} : { minimumRingSize }),
    ...(slowStart === undefined ? {} : { slowStart }),
  };
}

function readSlowStart(value: unknown, path: string, issues: IssueSink): SlowStartSettings | undefined {
  if (value === undefined) return undefined;
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push({
      path,
      message: `must be a mapping { window, aggression?, minWeightPercent? }, got ${describeValue(value)}`,
    });
    return undefined;
  }
  const raw = readMapping(value, path, SLOW_START_KEYS, issues);
  const windowPath = joinPath(path, 'window');
  if (raw.window === undefined) {
    issues.push({ path: windowPath, message: 'is required: the ramp-up duration, e.g. "10s"' });
    return undefined;
  }
  const issueCount = issues.length;
  const windowMs = readDuration(raw.window, windowPath, { minMs: 0 }, 0, issues);
  if (issues.length === issueCount && windowMs <= 0) {
    issues.push({ path: windowPath, message: `must be a duration > 0, got ${describeValue(raw.window)}` });
  }
  const aggression = readNumber(
    raw.aggression,
    joinPath(path, 'aggression'),
    { min: 0, isMinIncluded: false },
    issues,
  );
  const minWeightPercent = readNumber(
    raw.minWeightPercent,
    joinPath(path, 'minWeightPercent'),
    { min: 0, isMinIncluded: true, max: 100 },
    issues,
  );
  if (issues.length > issueCount) return undefined;
  return {
    windowMs,
    aggression: aggression ?? SLOW_START_DEFAULTS.aggression,
    minWeightPercent: minWeightPercent ?? SLOW_START_DEFAULTS.minWeightPercent,
  };
}

function readWhole(
  value: unknown,
  path: string,
  min: number,
  max: number | undefined,
  issues: IssueSink,
): number | undefined {
  if (value === undefined) return undefined;
  const isValid =
    typeof value === 'number' &&
    Number.isInteger(value) &&
    value >= min &&
    (max === undefined || value <= max);
  if (isValid) return value;
  const allowed = max === undefined ? `an integer ≥ ${min}` : `an integer from ${min} to ${max}`;
  issues.push({ path, message: `must be ${allowed}, got ${describeValue(value)}` });
  return undefined;
}

interface NumberBounds {
  readonly min: number;
  readonly isMinIncluded: boolean;
  readonly max?: number;
}

function readNumber(
  value: unknown,
  path: string,
  bounds: NumberBounds,
  issues: IssueSink,
): number | undefined {
  if (value === undefined) return undefined;
  const isValid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (bounds.isMinIncluded ? value >= bounds.min : value > bounds.min) &&
    (bounds.max === undefined || value <= bounds.max);
  if (isValid) return value;
  const lower = `${bounds.isMinIncluded ? '≥' : '>'} ${bounds.min}`;
  const allowed =
    bounds.max === undefined ? `a number ${lower}` : `a number from ${bounds.min} to ${bounds.max}`;
  issues.push({ path, message: `must be ${allowed}, got ${describeValue(value)}` });
  return undefined;
}
