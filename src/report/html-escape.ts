import { createHash } from 'node:crypto';
import { LbbenchError } from '../errors.js';

const HTML_ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for HTML element content and quoted attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => HTML_ESCAPES[char] ?? char);
}

/**
 * Serialises a value as JSON that is safe inside a `<script type="application/json">` block: `<`, `>`, `&`
 * and the JS line separators become \u escapes, so no `</script>` or `<!--` can end or confuse the block.
 * NaN and ±Infinity become null, as JSON.stringify does.
 */
export function serializeJsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (char) => {
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

const SCRIPT_BREAKERS = /<\/script|<!--|<script/i;

/** Returns the CSP source expression `'sha256-…'` of an inline script's exact text. */
export function hashInlineScript(source: string): string {
  return `'sha256-${createHash('sha256').update(source, 'utf8').digest('base64')}'`;
}

/** Wraps trusted script text in a `<script>` element; refuses text that could end the element early. */
export function renderInlineScript(source: string, name: string): string {
  if (SCRIPT_BREAKERS.test(source)) {
    throw new LbbenchError(
      'LBB_INTERNAL',
      `inline script "${name}" contains "</script", "<script" or "<!--" and cannot be inlined safely`,
    );
  }
  return `<script>${source}</script>`;
}

/** The Content-Security-Policy of the report: nothing from the network, only the hashed inline scripts. */
export function buildContentSecurityPolicy(scriptHashes: readonly string[]): string {
  return [
    "default-src 'none'",
    `script-src ${scriptHashes.join(' ')}`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}
