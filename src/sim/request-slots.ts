const INITIAL_CAPACITY = 64;

/** How a request ends, decided when it is dispatched. */
export const OUTCOME = {
  /** The pod answers 200 after its service time. */
  success: 0,
  /** The client gives up after `load.timeoutMs`; the proxy resets the upstream request. */
  timeout: 1,
  /** The picked pod is dead: the proxy's connection is refused and it answers 503. */
  connectFailure: 2,
  /** The proxy has no host (or the balancer returned none): 503 `no healthy upstream`. */
  noHost: 3,
  /** The pod answered 503 (a `fail` event, or its error rate). */
  upstreamError: 4,
  /** The pod never answered (`hang`) and the proxy's route timeout (60 s) fired first: a 504 to the client. */
  routeTimeout: 5,
  /** The retry policy's `per_try_timeout` fired before the pod answered: the proxy resets the attempt. */
  tryTimeout: 6,
  /** The pod died with the attempt in flight: the connection was reset. */
  reset: 7,
  /** The request waits out a retry back-off; when it ends, its next attempt picks a host. */
  backOff: 8,
} as const;

/**
 * A slot is free, holds a request in flight, or holds one whose outcome was already delivered (its pod was killed,
 * or it timed out while waiting in a pod's queue) and that is still referenced by a queued event or a pod queue.
 */
export const SLOT_STATE = { free: 0, active: 1, ended: 2 } as const;

/**
 * The requests in flight, one attempt per slot (a retry moves its request to a new slot), as parallel typed arrays
 * indexed by slot, reused through a free list so that the hot loop allocates nothing. `refs` counts what still
 * points at a slot (events in the queue, a place in a pod's waiting queue); a slot whose request ended stays
 * `ended` until the last of them lets go and frees it.
 */
export class RequestSlots {
  /** When the client sent the request (a retry's slot keeps it). */
  startMs = new Float64Array(INITIAL_CAPACITY);
  /** When the slot's attempt reached its pod (the per-try timeout runs from there). */
  attemptStartMs = new Float64Array(INITIAL_CAPACITY);
  pod = new Int32Array(INITIAL_CAPACITY);
  worker = new Int32Array(INITIAL_CAPACITY);
  connection = new Int32Array(INITIAL_CAPACITY);
  /** The request's key number (`load.keys`), 0 without keys. */
  key = new Int32Array(INITIAL_CAPACITY);
  outcome = new Uint8Array(INITIAL_CAPACITY);
  state = new Uint8Array(INITIAL_CAPACITY);
  /** 1 when the request was dispatched inside the measured window. */
  isCounted = new Uint8Array(INITIAL_CAPACITY);
  /** 1 while the request holds one of its pod's capacity slots. */
  isServing = new Uint8Array(INITIAL_CAPACITY);
  /** Queued events and pod-queue places that refer to the slot. */
  refs = new Uint8Array(INITIAL_CAPACITY);
  /** Slots ever used: every slot in flight is below this index. */
  highWater = 0;
  #free = new Int32Array(INITIAL_CAPACITY);
  #freeCount = 0;

  /** Takes a free slot (marked active) and returns its index. */
  allocate(): number {
    let slot: number;
    if (this.#freeCount > 0) {
      this.#freeCount -= 1;
      slot = this.#free[this.#freeCount] ?? 0;
    } else {
      if (this.highWater === this.state.length) this.#grow();
      slot = this.highWater;
      this.highWater += 1;
    }
    this.state[slot] = SLOT_STATE.active;
    this.isServing[slot] = 0;
    this.refs[slot] = 0;
    return slot;
  }

  /** Drops one reference to an `ended` slot and frees the slot when it was the last. */
  unref(slot: number): void {
    const refs = (this.refs[slot] ?? 1) - 1;
    this.refs[slot] = refs;
    if (refs <= 0 && this.state[slot] === SLOT_STATE.ended) this.release(slot);
  }

  /** Returns a slot to the free list. */
  release(slot: number): void {
    this.state[slot] = SLOT_STATE.free;
    this.#free[this.#freeCount] = slot;
    this.#freeCount += 1;
  }

  #grow(): void {
    const capacity = this.state.length * 2;
    this.startMs = copyInto(new Float64Array(capacity), this.startMs);
    this.attemptStartMs = copyInto(new Float64Array(capacity), this.attemptStartMs);
    this.pod = copyInto(new Int32Array(capacity), this.pod);
    this.worker = copyInto(new Int32Array(capacity), this.worker);
    this.connection = copyInto(new Int32Array(capacity), this.connection);
    this.key = copyInto(new Int32Array(capacity), this.key);
    this.outcome = copyInto(new Uint8Array(capacity), this.outcome);
    this.state = copyInto(new Uint8Array(capacity), this.state);
    this.isCounted = copyInto(new Uint8Array(capacity), this.isCounted);
    this.isServing = copyInto(new Uint8Array(capacity), this.isServing);
    this.refs = copyInto(new Uint8Array(capacity), this.refs);
    this.#free = copyInto(new Int32Array(capacity), this.#free);
  }
}

function copyInto<T extends Float64Array | Int32Array | Uint8Array>(target: T, source: T): T {
  target.set(source);
  return target;
}
