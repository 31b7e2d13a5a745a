/**
 * A limit on how many asynchronous tasks run at once.
 *
 * @module
 */

/**
 * A function that runs the tasks it is given at most `limit` at a time, in
 * the order they were given; each call returns its task's result.
 *
 * @example
 * ```ts
 * import { limiter } from "./limiter.ts";
 * const slot = limiter(2);
 * await Promise.all([1, 2, 3].map((n) => slot(async () => n * 2))); // [2, 4, 6]
 * ```
 */
export function limiter(limit: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    if (active >= limit) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}
