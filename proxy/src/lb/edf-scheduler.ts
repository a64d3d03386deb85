/**
 * Envoy's earliest-deadline-first scheduler (`source/common/upstream/edf_scheduler.h`), the engine of weighted
 * round robin and weighted least request. An entry added with weight w is due at `currentTime + 1/w`; a pick
 * takes the earliest deadline (ties: the entry added first), moves `currentTime` to that deadline, and the
 * caller adds the entry back with its weight as of that moment.
 *
 * The scheduler is a mutable binary heap over typed arrays: picks cost O(log n) and allocate nothing.
 */

/** Envoy's cap on emulated initial picks: `UINT32_MAX / 10`. */
export const EDF_MAX_INITIAL_PICKS = 429_496_729;

// Added to every weight while emulating initial picks so weights that are multiples of each other cannot
// make the floor arithmetic disagree with real picks (Envoy PR #31592).
const WEIGHT_EPSILON = 1e-13;

/** A mutable EDF heap of entry ids (host indexes). */
export interface EdfScheduler {
  currentTime: number;
  /** Insertion counter: the FIFO tie-breaker of the next added entry. */
  nextOrder: number;
  size: number;
  readonly deadlines: Float64Array;
  readonly orders: Float64Array;
  readonly entries: Int32Array;
}

/** Creates an empty scheduler that can hold `capacity` entries at once. */
export function createEdfScheduler(capacity: number): EdfScheduler {
  return {
    currentTime: 0,
    nextOrder: 0,
    size: 0,
    deadlines: new Float64Array(capacity),
    orders: new Float64Array(capacity),
    entries: new Int32Array(capacity),
  };
}

function isEarlier(s: EdfScheduler, a: number, b: number): boolean {
  const deadlineA = s.deadlines[a] ?? 0;
  const deadlineB = s.deadlines[b] ?? 0;
  return deadlineA < deadlineB || (deadlineA === deadlineB && (s.orders[a] ?? 0) < (s.orders[b] ?? 0));
}

function swapSlots(s: EdfScheduler, a: number, b: number): void {
  const deadline = s.deadlines[a] ?? 0;
  const order = s.orders[a] ?? 0;
  const entry = s.entries[a] ?? 0;
  s.deadlines[a] = s.deadlines[b] ?? 0;
  s.orders[a] = s.orders[b] ?? 0;
  s.entries[a] = s.entries[b] ?? 0;
  s.deadlines[b] = deadline;
  s.orders[b] = order;
  s.entries[b] = entry;
}

function siftUp(s: EdfScheduler, start: number): void {
  let slot = start;
  while (slot > 0) {
    const parent = (slot - 1) >> 1;
    if (!isEarlier(s, slot, parent)) return;
    swapSlots(s, slot, parent);
    slot = parent;
  }
}

function siftDown(s: EdfScheduler, start: number): void {
  let slot = start;
  for (;;) {
    const left = 2 * slot + 1;
    if (left >= s.size) return;
    const right = left + 1;
    const child = right < s.size && isEarlier(s, right, left) ? right : left;
    if (!isEarlier(s, child, slot)) return;
    swapSlots(s, slot, child);
    slot = child;
  }
}

function pushEntry(s: EdfScheduler, entry: number, deadline: number, order: number): void {
  if (s.size >= s.entries.length) {
    throw new RangeError(`EDF scheduler is full: capacity ${s.entries.length}, cannot add entry ${entry}`);
  }
  const slot = s.size;
  s.size += 1;
  s.deadlines[slot] = deadline;
  s.orders[slot] = order;
  s.entries[slot] = entry;
  siftUp(s, slot);
}

/** Adds `entry` due at `currentTime + 1/weight`; `weight` must be > 0. */
export function addToEdf(s: EdfScheduler, entry: number, weight: number): void {
  pushEntry(s, entry, s.currentTime + 1 / weight, s.nextOrder);
  s.nextOrder += 1;
}

/** Removes the entry with the earliest deadline, moves `currentTime` to it and returns it (-1 when empty). */
export function pickFromEdf(s: EdfScheduler): number {
  if (s.size === 0) return -1;
  const entry = s.entries[0] ?? -1;
  s.currentTime = s.deadlines[0] ?? s.currentTime;
  s.size -= 1;
  if (s.size > 0) {
    swapSlots(s, 0, s.size);
    siftDown(s, 0);
  }
  return entry;
}

/** The entry with the earliest deadline, left in place; -1 when empty. */
export function peekEdf(s: EdfScheduler): number {
  return s.size === 0 ? -1 : (s.entries[0] ?? -1);
}

/**
 * Picks the earliest entry and re-adds it with `weight` (due at its deadline + 1/weight) in a single sift;
 * returns it, or -1 when empty. Same result as {@link pickFromEdf} then {@link addToEdf}, at half the cost.
 */
export function rescheduleEarliestEdf(s: EdfScheduler, weight: number): number {
  const entry = peekEdf(s);
  if (entry < 0) return -1;
  s.currentTime = s.deadlines[0] ?? s.currentTime;
  s.deadlines[0] = s.currentTime + 1 / weight;
  s.orders[0] = s.nextOrder;
  s.nextOrder += 1;
  siftDown(s, 0);
  return entry;
}

/** Picks the earliest entry and adds it back with `weights[entry]` (Envoy's `pickAndAdd`); -1 when empty. */
export function pickAndAddEdf(s: EdfScheduler, weights: ArrayLike<number>): number {
  const entry = peekEdf(s);
  if (entry >= 0) rescheduleEarliestEdf(s, weights[entry] ?? 1);
  return entry;
}

/**
 * Builds a scheduler over entries `0..weights.length-1` as if they had been added in order to an empty one
 * and then picked `picks mod 429496729` times with constant weights (Envoy 1.30+ `createWithPicks`). Each
 * entry is credited `floor(w·P/W)` picks arithmetically; the fewer than n left over are real picks.
 */
export function createEdfWithPicks(weights: ArrayLike<number>, picks: number): EdfScheduler {
  const count = weights.length;
  const totalPicks = (picks >>> 0) % EDF_MAX_INITIAL_PICKS;
  const s = createEdfScheduler(count);
  if (count === 0) return s;
  let weightSum = 0;
  for (let entry = 0; entry < count; entry += 1) weightSum += (weights[entry] ?? 1) + WEIGHT_EPSILON;
  let creditedPicks = 0;
  let latestPickTime = 0;
  for (let entry = 0; entry < count; entry += 1) {
    const weight = (weights[entry] ?? 1) + WEIGHT_EPSILON;
    let floorPicks = Math.floor((weight * totalPicks) / weightSum);
    // Floating point can put floor(A·B) above A·B; Envoy then credits one pick fewer.
    if (floorPicks > 0 && floorPicks / weight >= totalPicks / weightSum) floorPicks -= 1;
    latestPickTime = Math.max(latestPickTime, floorPicks / weight);
    pushEntry(s, entry, (floorPicks + 1) / weight, entry);
    creditedPicks += floorPicks;
  }
  s.currentTime = latestPickTime;
  s.nextOrder = count;
  for (; creditedPicks < totalPicks; creditedPicks += 1) pickAndAddEdf(s, weights);
  return s;
}
