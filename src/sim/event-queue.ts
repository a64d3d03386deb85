const INITIAL_CAPACITY = 64;

/**
 * A binary min-heap of simulation events keyed by time, ties broken first-in first-out, so a run is
 * deterministic whatever the order of equal times. Each event carries one integer payload (the simulator
 * encodes what happens in it). Storage is three parallel typed arrays that grow by doubling: pushing and
 * popping allocate nothing once the queue has reached its working size.
 */
export class EventQueue {
  #times = new Float64Array(INITIAL_CAPACITY);
  #orders = new Float64Array(INITIAL_CAPACITY);
  #payloads = new Int32Array(INITIAL_CAPACITY);
  #size = 0;
  #nextOrder = 0;
  #poppedTimeMs = 0;
  #poppedPayload = 0;

  /** Number of queued events. */
  get size(): number {
    return this.#size;
  }

  /** Time of the event the last {@link pop} returned. */
  get poppedTimeMs(): number {
    return this.#poppedTimeMs;
  }

  /** Payload of the event the last {@link pop} returned. */
  get poppedPayload(): number {
    return this.#poppedPayload;
  }

  /** Queues an event at `timeMs`; among equal times, events come out in the order they were pushed. */
  push(timeMs: number, payload: number): void {
    if (this.#size === this.#times.length) this.#grow();
    const order = this.#nextOrder;
    this.#nextOrder += 1;
    let index = this.#size;
    this.#size += 1;
    // Sift up: move parents down until the new event's place is found.
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (!this.#isBefore(timeMs, order, parent)) break;
      this.#moveTo(parent, index);
      index = parent;
    }
    this.#times[index] = timeMs;
    this.#orders[index] = order;
    this.#payloads[index] = payload;
  }

  /**
   * Removes the earliest event and exposes it as {@link poppedTimeMs} / {@link poppedPayload}; false when the
   * queue is empty (the popped fields then keep their previous values).
   */
  pop(): boolean {
    if (this.#size === 0) return false;
    this.#poppedTimeMs = this.#times[0] ?? 0;
    this.#poppedPayload = this.#payloads[0] ?? 0;
    this.#size -= 1;
    const last = this.#size;
    if (last > 0) this.#siftDown(this.#times[last] ?? 0, this.#orders[last] ?? 0, this.#payloads[last] ?? 0);
    return true;
  }

  #siftDown(timeMs: number, order: number, payload: number): void {
    const size = this.#size;
    let index = 0;
    for (;;) {
      const left = 2 * index + 1;
      if (left >= size) break;
      const right = left + 1;
      const child = right < size && this.#isEarlier(right, left) ? right : left;
      if (this.#isBefore(timeMs, order, child)) break;
      this.#moveTo(child, index);
      index = child;
    }
    this.#times[index] = timeMs;
    this.#orders[index] = order;
    this.#payloads[index] = payload;
  }

  /** True when (timeMs, order) comes before the event stored at `index`. */
  #isBefore(timeMs: number, order: number, index: number): boolean {
    const otherTimeMs = this.#times[index] ?? 0;
    return timeMs < otherTimeMs || (timeMs === otherTimeMs && order < (this.#orders[index] ?? 0));
  }

  #isEarlier(a: number, b: number): boolean {
    return this.#isBefore(this.#times[a] ?? 0, this.#orders[a] ?? 0, b);
  }

  #moveTo(from: number, to: number): void {
    this.#times[to] = this.#times[from] ?? 0;
    this.#orders[to] = this.#orders[from] ?? 0;
    this.#payloads[to] = this.#payloads[from] ?? 0;
  }

  #grow(): void {
    const capacity = this.#times.length * 2;
    const times = new Float64Array(capacity);
    const orders = new Float64Array(capacity);
    const payloads = new Int32Array(capacity);
    times.set(this.#times);
    orders.set(this.#orders);
    payloads.set(this.#payloads);
    this.#times = times;
    this.#orders = orders;
    this.#payloads = payloads;
  }
}
