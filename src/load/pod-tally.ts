/** Responses counted per pod from the pod header, and those without it. */
export interface PodTally {
  readonly byPod: Readonly<Record<string, number>>;
  readonly untallied: number;
}

/** Counts responses per pod from one response header. */
export interface PodTallyCounter {
  /** Counts one response given its headers (names in any case, values a string or a list); returns its pod. */
  record(headers: Readonly<Record<string, unknown>> | undefined): string | undefined;
  snapshot(): PodTally;
}

/** Creates a counter of the pod header `headerName` (matched case-insensitively). */
export function createPodTallyCounter(headerName: string): PodTallyCounter {
  const wanted = headerName.toLowerCase();
  const byPod = new Map<string, number>();
  let untallied = 0;
  return {
    record: (headers) => {
      const pod = readHeader(headers, wanted);
      if (pod === undefined) {
        untallied += 1;
      } else {
        byPod.set(pod, (byPod.get(pod) ?? 0) + 1);
      }
      return pod;
    },
    snapshot: () => ({ byPod: Object.fromEntries(byPod), untallied }),
  };
}

function readHeader(
  headers: Readonly<Record<string, unknown>> | undefined,
  lowerName: string,
): string | undefined {
  if (headers === undefined) {
    return undefined;
  }
  for (const [name, value] of Object.entries(headers)) {
    if (name.toLowerCase() !== lowerName) {
      continue;
    }
    const first: unknown = Array.isArray(value) ? (value as unknown[])[0] : value;
    return typeof first === 'string' && first !== '' ? first : undefined;
  }
  return undefined;
}
