import { parseDocument, type YAMLError } from 'yaml';
import { ProxyConfigError, type ProxyConfigIssue } from './proxy-config-error.js';

const POSITION_SUFFIX = / at line \d+, column \d+:[\s\S]*$/;

function describeYamlProblem(problem: YAMLError): ProxyConfigIssue {
  const position = problem.linePos?.[0];
  const path = position === undefined ? '' : `line ${position.line}, column ${position.col}`;
  const text =
    problem.code === 'MULTIPLE_DOCS'
      ? 'the file must hold a single YAML document; remove the "---" separators'
      : problem.message.replace(POSITION_SUFFIX, '');
  return { path, message: `invalid YAML: ${text}` };
}

/**
 * Parses config text as one YAML 1.2 document (merge keys `<<` allowed, duplicate keys refused) into plain data.
 * @throws {ProxyConfigError} naming the first syntax problem with its line and column.
 */
export function parseYamlText(text: string, file: string): unknown {
  const document = parseDocument(text, { merge: true, uniqueKeys: true, prettyErrors: true });
  const [first, ...others] = [...document.errors, ...document.warnings];
  if (first !== undefined) {
    // After a syntax error the YAML parser's later complaints are mostly echoes of the first one.
    const issue = describeYamlProblem(first);
    const more =
      others.length === 0
        ? ''
        : ` (and ${others.length} more YAML problem${others.length === 1 ? '' : 's'} after it)`;
    throw new ProxyConfigError(file, [{ ...issue, message: `${issue.message}${more}` }]);
  }
  try {
    return document.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // toJS refuses alias bombs (too many expanded aliases) and unresolvable aliases.
    const message = `invalid YAML: ${error instanceof Error ? error.message : String(error)}`;
    throw new ProxyConfigError(file, [{ path: '', message }], { cause: error });
  }
}
