import { FAULT_ACTIONS } from './types.js';
import type { ScenarioEvent } from './types.js';
import { describeValue } from '../validation/describe-value.js';
import { readDuration, readInteger, readList, readMapping } from './read-fields.js';
import { isRecord } from '../validation/is-record.js';
import { joinPath } from '../validation/join-path.js';
import type { IssueSink } from './read-fields.js';
import { SCENARIO_LIMITS } from './scenario-defaults.js';

const ACTIONS = ['scale', 'kill', 'slow', ...FAULT_ACTIONS] as const;
const EVENT_KEYS = ['at', ...ACTIONS];
const SLOW_KEYS = ['pod', 'delay'];

/**
 * Reads `events:`: each `{ at: 5s, scale: 5 }`, `{ at: 3s, kill: 1 }`, `{ at: 2s, slow: { pod: 0, delay: 50ms } }`,
 * `{ at: 3s, fail: 1 }` (503 to every request), `{ at: 3s, hang: 1 }` (never answers) or `{ at: 6s, recover: 1 }`
 * (back to its scenario behaviour), in time order. Pods are 0-based indexes; checks against replicas and the load duration are in `check-scenario.ts`.
 */
export function readEvents(value: unknown, issues: IssueSink): readonly ScenarioEvent[] {
  const items = readList(value, 'events', 'events like { at: 5s, scale: 5 }', issues);
  const events: ScenarioEvent[] = [];
  items.forEach((item, i) => {
    const previousAtMs = events[events.length - 1]?.atMs ?? 0;
    // An unreadable event keeps its place (so indexes match the file) as a scale event, which makes the later
    // cross-field checks stop trusting the replica count; the issue already recorded means it is never returned.
    const event = readEvent(item, `events[${i}]`, previousAtMs, issues) ?? {
      atMs: previousAtMs,
      action: 'scale',
      replicas: 1,
    };
    if (event.atMs < previousAtMs) {
      issues.push({
        path: `events[${i}].at`,
        message: 'is earlier than the event before it; list events in time order',
      });
    }
    events.push(event);
  });
  return events;
}

// A missing or bad `at` reads as the previous event's time, so it is not also reported as out of order.
function readEvent(
  value: unknown,
  path: string,
  fallbackAtMs: number,
  issues: IssueSink,
): ScenarioEvent | undefined {
  if (!isRecord(value)) {
    issues.push({
      path,
      message: `must be a mapping like { at: 5s, scale: 5 }, got ${describeValue(value)}`,
    });
    return undefined;
  }
  const raw = readMapping(value, path, EVENT_KEYS, issues);
  if (raw.at === undefined) {
    issues.push({ path: joinPath(path, 'at'), message: 'is required: when the event happens, e.g. 5s' });
  }
  const atMs = readDuration(raw.at, joinPath(path, 'at'), SCENARIO_LIMITS.eventAtMs, fallbackAtMs, issues);
  const actions = ACTIONS.filter((action) => raw[action] !== undefined);
  if (actions.length !== 1) {
    const found = actions.length === 0 ? 'none' : actions.join(' and ');
    issues.push({ path, message: `must have exactly one of ${ACTIONS.join(', ')}, got ${found}` });
    return undefined;
  }
  const limits = SCENARIO_LIMITS;
  switch (actions[0]) {
    case 'scale':
      return {
        atMs,
        action: 'scale',
        replicas: readInteger(raw.scale, joinPath(path, 'scale'), limits.replicas, 1, issues),
      };
    case 'kill':
      return {
        atMs,
        action: 'kill',
        pod: readInteger(raw.kill, joinPath(path, 'kill'), limits.podIndex, 0, issues),
      };
    case 'slow':
      return readSlowEvent(raw.slow, joinPath(path, 'slow'), atMs, issues);
    default: {
      const action = actions[0] ?? 'fail';
      return {
        atMs,
        action,
        pod: readInteger(raw[action], joinPath(path, action), limits.podIndex, 0, issues),
      };
    }
  }
}

function readSlowEvent(value: unknown, path: string, atMs: number, issues: IssueSink): ScenarioEvent {
  const raw = readMapping(value, path, SLOW_KEYS, issues);
  for (const key of SLOW_KEYS) {
    if (isRecord(value) && raw[key] === undefined) {
      const what = key === 'pod' ? 'the 0-based pod index' : 'the latency to add, e.g. 50ms';
      issues.push({ path: joinPath(path, key), message: `is required: ${what}` });
    }
  }
  return {
    atMs,
    action: 'slow',
    pod: readInteger(raw.pod, joinPath(path, 'pod'), SCENARIO_LIMITS.podIndex, 0, issues),
    delayMs: readDuration(raw.delay, joinPath(path, 'delay'), SCENARIO_LIMITS.delayMs, 0, issues),
  };
}
