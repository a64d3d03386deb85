/** Edit distance between two strings: insertions, deletions, substitutions and swaps of adjacent characters. */
export function getEditDistance(a: string, b: string): number {
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution);
      // A swap of two adjacent characters ("jian" for "jain") counts as one edit.
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (beforePrevious[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_\s]/g, '');
}

/**
 * The known name closest to `input`, or undefined when none is close: the same name up to case, dashes and
 * underscores (`dns_refresh_rate` → `dnsRefreshRate`), else the one within an edit distance of a third of its length
 * (at least 1, at most 3). A dotted candidate (`load.connections`) is matched on its last segment.
 */
export function suggestName(input: string, known: readonly string[]): string | undefined {
  const normalized = normalizeName(input);
  const lastSegment = (name: string): string => normalizeName(name.slice(name.lastIndexOf('.') + 1));
  const sameShape = known.find((name) => lastSegment(name) === normalized);
  if (sameShape !== undefined) return sameShape;
  let best: { name: string; distance: number } | undefined;
  for (const name of known) {
    const distance = getEditDistance(normalized, lastSegment(name));
    const allowed = Math.min(3, Math.max(1, Math.floor(name.length / 3)));
    if (distance <= allowed && (best === undefined || distance < best.distance)) {
      best = { name, distance };
    }
  }
  return best?.name;
}

/** The hint appended to messages: `; did you mean "x"?`, or '' when no known name is close. */
export function formatSuggestion(input: string, known: readonly string[]): string {
  const suggestion = suggestName(input, known);
  return suggestion === undefined ? '' : `; did you mean "${suggestion}"?`;
}

/**
 * A message for an unknown name: `<problem>; did you mean "x"? Known <things>: a, b` when one of `candidates`
 * (default: the known names) is close, else `<problem>; known <things>: a, b`.
 */
export function describeUnknownName(
  problem: string,
  input: string,
  known: readonly string[],
  things: string,
  candidates: readonly string[] = known,
): string {
  const suggestion = formatSuggestion(input, candidates);
  const list = `${things}: ${known.join(', ')}`;
  return suggestion === '' ? `${problem}; known ${list}` : `${problem}${suggestion} Known ${list}`;
}
