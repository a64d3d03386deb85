import type { ClientTick } from '../results/types.js';

/**
 * Counts the requests that end in each one-second client tick of a measured window, and the failed ones among them
 * (non-2xx responses, socket errors, timeouts): the time-resolved view of client errors that the event metrics read.
 * It also counts each tick's responses per pod header: the per-pod timeline of a row without per-host counters.
 */
export class ClientTickRecorder {
  readonly #ticks: ClientTick[] = [];
  #responses = 0;
  #errors = 0;
  #byPod = new Map<string, number>();

  /** Counts one request that ended; `isError` for a non-2xx response, a socket error or a timeout. */
  count(isError: boolean): void {
    this.#responses += 1;
    if (isError) this.#errors += 1;
  }

  /** Counts one response that carried `pod`'s header. */
  countPod(pod: string): void {
    this.#byPod.set(pod, (this.#byPod.get(pod) ?? 0) + 1);
  }

  /** Closes the current tick, `elapsedMs` after the window started. */
  close(elapsedMs: number): void {
    this.#ticks.push({
      tMs: Math.round(elapsedMs),
      responses: this.#responses,
      errors: this.#errors,
      byPod: Object.fromEntries(this.#byPod),
    });
    this.#responses = 0;
    this.#errors = 0;
    this.#byPod = new Map();
  }

  /** The closed ticks in time order. */
  list(): readonly ClientTick[] {
    return [...this.#ticks];
  }
}

/**
 * Sums two generators' ticks index by index: generators measure from one start time and tick every second, so the
 * n-th ticks cover the same second (give or take the start spread); the merged tick ends at the later of the two.
 */
export function mergeClientTicks(a: readonly ClientTick[], b: readonly ClientTick[]): ClientTick[] {
  return Array.from({ length: Math.max(a.length, b.length) }, (_, index) => {
    const left = a[index];
    const right = b[index];
    return {
      tMs: Math.max(left?.tMs ?? 0, right?.tMs ?? 0),
      responses: (left?.responses ?? 0) + (right?.responses ?? 0),
      errors: (left?.errors ?? 0) + (right?.errors ?? 0),
      byPod: sumByPod(left?.byPod, right?.byPod),
    };
  });
}

function sumByPod(
  a: Readonly<Record<string, number>> | undefined,
  b: Readonly<Record<string, number>> | undefined,
): Record<string, number> {
  const sum: Record<string, number> = { ...a };
  for (const [pod, count] of Object.entries(b ?? {})) sum[pod] = (sum[pod] ?? 0) + count;
  return sum;
}
