/**
 * Values built on first use.
 *
 * @module
 */

/**
 * An object that stands for `build()`'s result and calls `build` only when
 * first used (any property read: a method, `size`, iteration), then forwards
 * everything to that result. For collections that most runs never read, such
 * as the target's ranked tags in a run that resolves nothing.
 *
 * @example
 * ```ts
 * import { lazy } from "./lazy.ts";
 * let built = 0;
 * const squares = lazy(() => (built++, new Map([[2, 4], [3, 9]])));
 * built; // 0
 * squares.get(3); // 9
 * [squares.size, built]; // [2, 1]
 * ```
 */
export function lazy<T extends object>(build: () => T): T {
  let value: T | undefined;
  const target = () => (value ??= build());
  return new Proxy({} as T, {
    get(_, property) {
      const real = target();
      const found: unknown = Reflect.get(real, property, real);
      return typeof found === "function" ? found.bind(real) : found;
    },
    has: (_, property) => Reflect.has(target(), property),
  });
}
