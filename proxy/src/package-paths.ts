import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The lbbench-proxy package folder (package.json, Dockerfile, src/, dist/): the image's build context. This
 * module sits directly in src/ or dist/, so the package folder is one level up in both.
 */
export const PROXY_PACKAGE_DIR = fileURLToPath(new URL('..', import.meta.url));

/** The compiled proxy program (`dist/main.js` of this package), the one path every launcher of the proxy uses. */
export function resolveProxyMain(): string {
  return join(PROXY_PACKAGE_DIR, 'dist', 'main.js');
}
