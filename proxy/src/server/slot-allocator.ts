/** Hands out statistics slots to hosts; freed slots are reused oldest-first once the fresh ones run out. */
export interface SlotAllocator {
  allocate(): number;
  release(slot: number): void;
}

/**
 * Creates an allocator over `capacity` slots. Fresh slots are used first so a slot is reused as late as
 * possible: a removed host's draining requests may still update its slot for a while.
 * @throws RangeError when every slot is in use.
 */
export function createSlotAllocator(capacity: number): SlotAllocator {
  let next = 0;
  const freed: number[] = [];
  return {
    allocate() {
      if (next < capacity) return next++;
      const reused = freed.shift();
      if (reused === undefined) throw new RangeError(`all ${capacity} host statistics slots are in use`);
      return reused;
    },
    release(slot) {
      freed.push(slot);
    },
  };
}
