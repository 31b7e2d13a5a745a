/**
 * List helpers that stay safe on lists of any length. `target.push(...items)`
 * and `Math.max(...items)` pass every item as a call argument, and past
 * ~125,000 items that overflows the stack; package data (index pages,
 * METADATA, entry points, RECORD) can make lists that long.
 *
 * @module
 */

/** Appends every item of `items` to `target` (what `target.push(...items)` does, for any length). */
export function appendAll<T>(target: T[], items: Iterable<T>): void {
  for (const item of items) target.push(item);
}

/** The largest of `values`, or `floor` when there is none larger (`Math.max(floor, ...values)`). */
export function maxOf(values: Iterable<number>, floor = -Infinity): number {
  let max = floor;
  for (const value of values) if (value > max) max = value;
  return max;
}
