import type { GateResult } from '../gates/types.js';
import type { ResultsFile, RunRecord } from '../results/types.js';
import { formatGeneral, formatMs } from './format.js';
import { describeCoverage, numberRepetition, sortRuns } from './run-status.js';
import { getResultsSource, getSourceTag } from './source-label.js';

const XML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  '\n': '&#10;',
  '\r': '&#13;',
  '\t': '&#9;',
};

/** Characters XML 1.0 does not allow (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
/* eslint-disable no-control-regex -- matching the control characters XML forbids is the point */
const XML_INVALID =
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
/* eslint-enable no-control-regex */

/** Escapes text for an XML attribute value (also newlines, so they survive attribute normalisation). */
export function escapeXmlAttribute(text: string): string {
  return text.replace(XML_INVALID, '\uFFFD').replace(/[&<>"'\n\r\t]/g, (char) => XML_ESCAPES[char] ?? char);
}

/** Escapes text for XML character data. */
export function escapeXmlText(text: string): string {
  return text.replace(XML_INVALID, '\uFFFD').replace(/[&<>]/g, (char) => XML_ESCAPES[char] ?? char);
}

interface TestCase {
  readonly name: string;
  readonly outcome:
    | { readonly kind: 'passed' }
    | { readonly kind: 'failure'; readonly type: string; readonly message: string; readonly detail: string }
    | { readonly kind: 'skipped'; readonly message: string };
}

function describeGate(gate: GateResult): string {
  const baseline = gate.baselineValue === undefined ? '' : ` (baseline ${formatGeneral(gate.baselineValue)})`;
  return `${gate.metric} = ${formatGeneral(gate.value)}, required ${gate.operator} ${formatGeneral(gate.threshold)}${baseline}`;
}

function buildGateCase(gate: GateResult): TestCase {
  const name = `gate: ${gate.gate}`;
  if (gate.error !== undefined) {
    const message = `could not be evaluated: ${gate.error}`;
    return {
      name,
      outcome: { kind: 'failure', type: 'GateNotEvaluated', message, detail: `${gate.gate}\n${message}` },
    };
  }
  if (!gate.passed) {
    const message = describeGate(gate);
    return {
      name,
      outcome: { kind: 'failure', type: 'GateFailed', message, detail: `${gate.gate}\n${message}` },
    };
  }
  return { name, outcome: { kind: 'passed' } };
}

function buildCrossCheckCase(run: RunRecord): TestCase {
  const name = `cross-check: repetition ${run.repetition + 1}`;
  const check = run.crossCheck;
  if (check.isConsistent) {
    return { name, outcome: { kind: 'passed' } };
  }
  const proxy =
    check.proxyRqTotal === undefined
      ? 'no proxy counters (client tally)'
      : `proxy rq_total ${check.proxyRqTotal}, rq_success ${String(check.proxyRqSuccess)}`;
  const numbers = `${proxy}; client 2xx ${check.client2xx}, pod-header tally ${check.clientHeaderTally}`;
  const message = check.notes.length === 0 ? `client and proxy differ: ${numbers}` : check.notes.join('; ');
  return {
    name,
    outcome: {
      kind: 'failure',
      type: 'CrossCheckMismatch',
      message,
      detail: `${numbers}\n${check.notes.join('\n')}`,
    },
  };
}

function renderCase(testCase: TestCase, className: string): string {
  const open = `    <testcase name="${escapeXmlAttribute(testCase.name)}" classname="${escapeXmlAttribute(className)}" time="0"`;
  const outcome = testCase.outcome;
  switch (outcome.kind) {
    case 'passed':
      return `${open}/>`;
    case 'skipped':
      return `${open}>\n      <skipped message="${escapeXmlAttribute(outcome.message)}"/>\n    </testcase>`;
    case 'failure':
      return `${open}>\n      <failure message="${escapeXmlAttribute(outcome.message)}" type="${escapeXmlAttribute(outcome.type)}">${escapeXmlText(outcome.detail)}</failure>\n    </testcase>`;
  }
}

interface Suite {
  readonly name: string;
  readonly cases: readonly TestCase[];
  readonly timeS: number;
  readonly timestamp: string | undefined;
  readonly output: string;
}

function buildSuite(results: ResultsFile, policy: string, expected: number): Suite {
  const runs = sortRuns(results).filter((run) => run.row === policy);
  const coverage: TestCase =
    runs.length >= expected
      ? { name: `ran ${expected} of ${expected} repetitions`, outcome: { kind: 'passed' } }
      : {
          name: `ran ${runs.length} of ${expected} repetitions`,
          outcome: {
            kind: 'skipped',
            message: `run ${results.status}: only ${runs.length} of ${expected} repetitions of ${policy} finished`,
          },
        };
  const cases = [
    ...(expected > 0 ? [coverage] : []),
    ...results.gates.filter((gate) => gate.row === policy).map(buildGateCase),
    ...runs.map(buildCrossCheckCase),
  ];
  const output = runs.map(
    (run) =>
      `${policy} ${numberRepetition(run)}: requests ${run.metrics.requests}, jain ${formatGeneral(run.metrics.jain)}, cv ${formatGeneral(run.metrics.cv)}, p99 ${formatMs(run.metrics.p99_ms)} ms`,
  );
  return {
    name: `${getResultsSource(results) === 'sim' ? 'lbbench-sim' : 'lbbench'}.${results.scenario.name}.${policy}`,
    cases,
    timeS: runs.reduce((sum, run) => sum + (run.load.durationMs + run.load.warmupMs) / 1000, 0),
    timestamp: runs[0]?.startedAt,
    output: output.join('\n'),
  };
}

// JUnit's `time` is a decimal number of seconds; a duration read back as NaN (null in results.json) counts as 0.
function formatTimeS(seconds: number): string {
  return (Number.isFinite(seconds) ? seconds : 0).toFixed(3);
}

function countCases(cases: readonly TestCase[], kind: TestCase['outcome']['kind']): number {
  return cases.filter((testCase) => testCase.outcome.kind === kind).length;
}

function renderSuite(suite: Suite): string {
  const counts = `tests="${suite.cases.length}" failures="${countCases(suite.cases, 'failure')}" errors="0" skipped="${countCases(suite.cases, 'skipped')}"`;
  const timestamp =
    suite.timestamp === undefined ? '' : ` timestamp="${escapeXmlAttribute(suite.timestamp)}"`;
  const output = suite.output === '' ? '' : `\n    <system-out>${escapeXmlText(suite.output)}</system-out>`;
  return `  <testsuite name="${escapeXmlAttribute(suite.name)}" ${counts} time="${formatTimeS(suite.timeS)}"${timestamp}>
${suite.cases.map((testCase) => renderCase(testCase, suite.name)).join('\n')}${output}
  </testsuite>`;
}

/**
 * Renders JUnit XML: one `<testsuite>` per policy holding a case for its repetitions, one per gate
 * (`<failure>` with value and threshold when it failed) and one per run's cross-check.
 */
export function renderJunitXml(results: ResultsFile): string {
  const suites = describeCoverage(results).policies.map((entry) =>
    buildSuite(results, entry.policy, entry.expected),
  );
  const all = suites.flatMap((suite) => suite.cases);
  const totalS = suites.reduce((sum, suite) => sum + suite.timeS, 0);
  const counts = `tests="${all.length}" failures="${countCases(all, 'failure')}" errors="0" skipped="${countCases(all, 'skipped')}"`;
  return `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="${escapeXmlAttribute(`lbbench: ${results.scenario.name}${getSourceTag(results)}`)}" ${counts} time="${formatTimeS(totalS)}">
${suites.map(renderSuite).join('\n')}
</testsuites>
`;
}
