import { normalizePolicyName } from './policy-name.js';

/** What a row name must look like: it stands before the `:` of a gate such as `LR-3: jain >= 0.9`. */
export const ROW_NAME_RULE = {
  pattern: /^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$/,
  description: 'a row name of letters, digits, "_" and "-" (at most 63, starting with a letter or digit)',
} as const;

/**
 * The row `text` names among `rows`: the exact name, else the one equal ignoring case, else the one a policy
 * spelling normalizes to (`least-request` → `LEAST_REQUEST`); undefined when none.
 */
export function findRowName(rows: readonly string[], text: string): string | undefined {
  const trimmed = text.trim();
  const policy = normalizePolicyName(trimmed);
  return (
    rows.find((row) => row === trimmed) ??
    rows.find((row) => row.toUpperCase() === trimmed.toUpperCase()) ??
    (policy === undefined ? undefined : rows.find((row) => row === policy))
  );
}
