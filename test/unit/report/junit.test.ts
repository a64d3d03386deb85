import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { escapeXmlAttribute, escapeXmlText, renderJunitXml } from '../../../src/report/junit.js';
import type { ResultsFile } from '../../../src/results/types.js';
import { requireSystemTool } from '../../support/system-tools.js';
import { createWorkDir } from '../../support/work-dir.js';
import { FIXTURE_NAMES, loadFixture } from './load-fixture.js';
import { parseXml, readSchema, validateXml, type XmlElement } from './xml-schema.js';

const XSD_PATH = path.join(import.meta.dirname, '../../fixtures/junit/junit.xsd');
const RULES = readSchema(parseXml(readFileSync(XSD_PATH, 'utf8')));
// eslint-disable-next-line no-control-regex -- XML 1.0 cannot carry these; the escaper replaces them
const XML_FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;
const XMLLINT = ['/usr/bin/xmllint', '/usr/local/bin/xmllint'].find((candidate) => existsSync(candidate));

function elements(root: XmlElement, name: string): XmlElement[] {
  return [...(root.name === name ? [root] : []), ...root.children.flatMap((child) => elements(child, name))];
}

function withHostileNames(results: ResultsFile): ResultsFile {
  const hostile = 'x" onload="1 <b>&amp; \u0001 ]]> \ud800';
  return {
    ...results,
    scenario: { ...results.scenario, name: `evil ${hostile}` },
    gates: results.gates.map((gate) => ({ ...gate, gate: `${gate.gate} ${hostile}`, passed: false })),
    runs: results.runs.map((run) => ({
      ...run,
      crossCheck: { ...run.crossCheck, isConsistent: false, notes: [`note ${hostile}`] },
    })),
  };
}

describe('renderJunitXml', () => {
  it.each(FIXTURE_NAMES)(
    'writes %s as JUnit XML valid against test/fixtures/junit/junit.xsd',
    async (name) => {
      const xml = renderJunitXml(await loadFixture(name));
      expect(validateXml(parseXml(xml), RULES)).toEqual([]);
    },
  );

  it('stays valid and keeps the text when names hold markup, quotes, controls and lone surrogates', async () => {
    const results = withHostileNames(await loadFixture('slow-pod-repetitions-partial'));
    const root = parseXml(renderJunitXml(results));
    expect(validateXml(root, RULES)).toEqual([]);
    expect(root.attributes.get('name')).toBe('lbbench: evil x" onload="1 <b>&amp; \uFFFD ]]> \uFFFD');
    const failure = elements(root, 'failure')[0];
    expect(failure?.text).toContain('<b>&amp; \uFFFD ]]>');
    const crossCheck = elements(root, 'failure').find(
      (element) => element.attributes.get('type') === 'CrossCheckMismatch',
    );
    expect(crossCheck?.attributes.get('message')).toBe('note x" onload="1 <b>&amp; \uFFFD ]]> \uFFFD');
  });

  it('stays valid when a run duration read back as NaN (null in results.json)', async () => {
    const results = await loadFixture('quickstart-3-policies');
    const broken: ResultsFile = {
      ...results,
      runs: results.runs.map((run) => ({ ...run, load: { ...run.load, durationMs: Number.NaN } })),
    };
    const root = parseXml(renderJunitXml(broken));
    expect(validateXml(root, RULES)).toEqual([]);
    expect(root.attributes.get('time')).toBe('0.000');
  });

  it('makes one suite per policy, one case per gate and per run, with counts that add up', async () => {
    const results = await loadFixture('slow-pod-repetitions-partial');
    const root = parseXml(renderJunitXml(results));
    const suites = elements(root, 'testsuite');
    expect(suites.map((suite) => suite.attributes.get('name'))).toEqual([
      'lbbench.slow-pod.ROUND_ROBIN',
      'lbbench.slow-pod.LEAST_REQUEST',
      'lbbench.slow-pod.RANDOM',
    ]);
    for (const suite of [root, ...suites]) {
      const cases = elements(suite, 'testcase');
      expect(Number(suite.attributes.get('tests'))).toBe(cases.length);
      expect(Number(suite.attributes.get('failures'))).toBe(elements(suite, 'failure').length);
      expect(Number(suite.attributes.get('skipped'))).toBe(elements(suite, 'skipped').length);
    }
    const names = elements(root, 'testcase').map((testCase) => testCase.attributes.get('name'));
    for (const gate of results.gates) {
      expect(names).toContain(`gate: ${gate.gate}`);
    }
    expect(names.filter((testName) => testName?.startsWith('cross-check'))).toHaveLength(results.runs.length);
  });

  it.each([
    ['LEAST_REQUEST: max_over_mean <= 1.10', 'GateFailed', 'max_over_mean = 1.23153, required <= 1.1'],
    ['RANDOM: cv <= 3 * null_cv', 'GateNotEvaluated', 'could not be evaluated: policy RANDOM has no runs'],
  ])('reports gate %s as a failure with value and threshold', async (gate, type, message) => {
    const root = parseXml(renderJunitXml(await loadFixture('slow-pod-repetitions-partial')));
    const testCase = elements(root, 'testcase').find(
      (element) => element.attributes.get('name') === `gate: ${gate}`,
    );
    const failure = testCase?.children.find((child) => child.name === 'failure');
    expect(failure?.attributes.get('type')).toBe(type);
    expect(failure?.attributes.get('message')).toContain(message);
  });

  it('marks a policy that did not run as skipped and a differing cross-check as failed', async () => {
    const root = parseXml(renderJunitXml(await loadFixture('slow-pod-repetitions-partial')));
    const random = elements(root, 'testsuite').find((suite) =>
      suite.attributes.get('name')?.endsWith('RANDOM'),
    );
    expect(elements(random!, 'skipped')[0]?.attributes.get('message')).toBe(
      'run partial: only 0 of 3 repetitions of RANDOM finished',
    );
    const crossCheck = elements(root, 'testcase').filter(
      (testCase) =>
        testCase.attributes.get('name') === 'cross-check: repetition 3' &&
        elements(testCase, 'failure').length > 0,
    );
    expect(crossCheck).toHaveLength(1);
  });

  it.each([
    [
      '<testsuites><testsuite tests="1"><testcase name="a"/></testsuite></testsuites>',
      'attribute name is required',
    ],
    ['<testsuites><testsuite name="s" tests="x"/></testsuites>', 'tests="x" is not xs:nonNegativeInteger'],
    [
      '<testsuites><testsuite name="s" tests="1"><testcase name="a"><oops/></testcase></testsuite></testsuites>',
      '<oops> is not allowed here',
    ],
    [
      '<testsuites><testsuite name="s" tests="1"><system-out/><testcase name="a"/></testsuite></testsuites>',
      'unexpected <testcase>',
    ],
    ['<testsuites><testsuite name="s" tests="0">stray</testsuite></testsuites>', 'text is not allowed here'],
    [
      '<testsuites><testsuite name="s" tests="0" colour="red"/></testsuites>',
      'attribute colour is not allowed',
    ],
  ])('the schema check rejects %s', (xml, problem) => {
    expect(validateXml(parseXml(xml), RULES).join('\n')).toContain(problem);
  });

  it.each(['<a>', '<a b="1" b="2"/>', '<a>&nbsp;</a>', '<a>x & y</a>', '<a></b>', '<a/><b/>'])(
    'the parser rejects %s',
    (xml) => {
      expect(() => parseXml(xml)).toThrow();
    },
  );

  it('passes xmllint --schema', async (context) => {
    requireSystemTool(context, 'xmllint', XMLLINT !== undefined);
    const dir = await createWorkDir('lbbench-junit-');
    for (const name of FIXTURE_NAMES) {
      const file = path.join(dir, `${name}.xml`);
      await writeFile(file, renderJunitXml(await loadFixture(name)));
      execFileSync(XMLLINT ?? 'xmllint', ['--noout', '--schema', XSD_PATH, file], { stdio: 'pipe' });
    }
  });
});

describe('XML escaping', () => {
  it.each([
    ['a & b', 'a &amp; b', 'a &amp; b'],
    ['<x y="1">', '&lt;x y=&quot;1&quot;&gt;', '&lt;x y="1"&gt;'],
    ["it's", 'it&apos;s', "it's"],
    ['line\nbreak', 'line&#10;break', 'line\nbreak'],
    ['bell\u0007', 'bell\uFFFD', 'bell\uFFFD'],
  ])('escapes %j', (input, attribute, text) => {
    expect(escapeXmlAttribute(input)).toBe(attribute);
    expect(escapeXmlText(input)).toBe(text);
  });

  it('round-trips any well-formed string through an attribute and through text', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        const clean = value.replace(XML_FORBIDDEN, '\uFFFD').replace(/\r\n?/g, '\n');
        const root = parseXml(`<a v="${escapeXmlAttribute(clean)}">${escapeXmlText(clean)}</a>`);
        expect(root.attributes.get('v')).toBe(clean);
        expect(root.text).toBe(clean);
      }),
    );
  });
});
