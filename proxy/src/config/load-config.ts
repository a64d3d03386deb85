import { readFile } from 'node:fs/promises';
import type { ProxyConfig } from '../types.js';
import type { Environment } from './expand-env.js';
import { parseProxyConfig } from './parse-config.js';
import { ProxyConfigError } from './proxy-config-error.js';

function describeReadFailure(error: unknown): string {
  const code = error instanceof Error && 'code' in error ? String(error.code) : undefined;
  if (code === 'ENOENT')
    return 'cannot read the config file: it does not exist (ENOENT); pass an existing file with -c';
  if (code === 'EACCES') return 'cannot read the config file: permission denied (EACCES)';
  if (code === 'EISDIR')
    return 'cannot read the config file: it is a directory (EISDIR); pass a YAML file with -c';
  return `cannot read the config file: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * Reads and parses the config file at `path` (see `parseProxyConfig`).
 * @throws {ProxyConfigError} when the file cannot be read or is invalid; the message names the file.
 */
export async function loadProxyConfig(path: string, env: Environment = process.env): Promise<ProxyConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new ProxyConfigError(path, [{ path: '', message: describeReadFailure(error) }], { cause: error });
  }
  return parseProxyConfig(text, { file: path, env });
}
