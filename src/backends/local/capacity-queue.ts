/** A request admitted to a {@link CapacityQueue}: release its slot when it is done, or cancel it while it waits. */
export interface QueueTicket {
  /** Frees the slot it holds (or drops it from the queue if it never started); safe to call more than once. */
  release(): void;
}

/**
 * An app's worker pool: at most `capacity` requests are served at once (undefined = no limit) and the rest wait in
 * arrival order; each starts (its `start` runs) when a slot frees. Time-free, so it is tested without timers.
 */
export class CapacityQueue {
  readonly #capacity: number;
  readonly #waiting: { begin: () => void; ticket: QueueTicket }[] = [];
  #serving = 0;

  /** `capacity` undefined means unlimited. */
  constructor(capacity: number | undefined) {
    this.#capacity = capacity ?? Infinity;
  }

  /** Requests being served now. */
  get serving(): number {
    return this.#serving;
  }

  /** Requests waiting for a slot. */
  get waiting(): number {
    return this.#waiting.length;
  }

  /**
   * Admits a request: `start` runs now if a slot is free, else once the requests before it got theirs; it gets
   * the ticket, to release when the request is done.
   */
  admit(start: (ticket: QueueTicket) => void): QueueTicket {
    let state: 'waiting' | 'serving' | 'done' = 'waiting';
    const ticket: QueueTicket = {
      release: () => {
        if (state === 'serving') {
          this.#serving -= 1;
          this.#startNext();
        } else if (state === 'waiting') {
          this.#waiting.splice(
            this.#waiting.findIndex((entry) => entry.ticket === ticket),
            1,
          );
        }
        state = 'done';
      },
    };
    const begin = (): void => {
      state = 'serving';
      this.#serving += 1;
      start(ticket);
    };
    if (this.#serving < this.#capacity) begin();
    else this.#waiting.push({ begin, ticket });
    return ticket;
  }

  #startNext(): void {
    while (this.#serving < this.#capacity) {
      const next = this.#waiting.shift();
      if (next === undefined) return;
      next.begin();
    }
  }
}
