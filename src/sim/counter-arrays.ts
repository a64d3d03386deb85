/** Adds one to a counter array entry. */
export function increment(array: Int32Array | Float64Array, index: number): void {
  array[index] = (array[index] ?? 0) + 1;
}

/** Takes one from a counter array entry. */
export function decrement(array: Int32Array, index: number): void {
  array[index] = (array[index] ?? 0) - 1;
}
