const PLAIN_KEY = /^[A-Za-z_$][\w$]*$/;

/**
 * `parent.key`, or `key` at the top level; a key that is not a plain identifier is quoted (`rqTotal."10.0.0.1:80"`),
 * so that a key holding a dot cannot pass for a nested field.
 */
export function joinPath(parent: string, key: string): string {
  const part = PLAIN_KEY.test(key) ? key : JSON.stringify(key);
  return parent === '' ? part : `${parent}.${part}`;
}
