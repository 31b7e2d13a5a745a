/**
 * One memo of builds per run: each source is built once, whoever asks for it,
 * and concurrent requests share one promise.
 *
 * Sharing a build in progress could deadlock: `a` waits for `b`'s build
 * (started elsewhere) while `b`'s build waits for `a`. So the memo keeps the
 * graph of which build waits for which, and a request that would close a
 * circle is refused with the chain instead of waiting forever. With the
 * build stack (which refuses a build nested in itself), a run of builds
 * always ends.
 *
 * @module
 */

import { BuildCycleError, type BuildId, type BuildStack } from "./build_stack.ts";

interface Entry {
  readonly id: BuildId;
  readonly promise: Promise<unknown>;
}

/**
 * Builds by source key, with cycle detection across shared builds.
 *
 * @example
 * ```ts
 * import { BuildMemo } from "./build_memo.ts";
 * import { BuildStack } from "./build_stack.ts";
 * const memo = new BuildMemo();
 * const id = { key: "a==1.0", label: "a 1.0" };
 * const build = () => Promise.resolve("a-1.0-py3-none-any.whl");
 * const [one, two] = await Promise.all([
 *   memo.build("file:///a-1.0.tar.gz", { id, stack: BuildStack.root(), build }),
 *   memo.build("file:///a-1.0.tar.gz", { id, stack: BuildStack.root(), build }),
 * ]); // built once, both "a-1.0-py3-none-any.whl"
 * ```
 */
export class BuildMemo {
  readonly #entries = new Map<string, Entry>();
  /** Build key → the build keys it is waiting for (with how many waits). */
  readonly #waits = new Map<string, Map<string, number>>();
  /** Build key → its label, for the chain of an error. */
  readonly #labels = new Map<string, string>();
  #started = 0;

  /** How many builds were started (not counting requests answered from the memo). */
  get started(): number {
    return this.#started;
  }

  /**
   * The result of building `source` (a key such as the sdist's URL), starting
   * the build only if no one did: `build` gets the stack with `id` on top.
   * The same `source` must always give the same kind of result.
   *
   * @throws {BuildCycleError} when `id` is on `stack`, or waiting for the
   *   build in progress would close a circle of builds waiting for each other.
   */
  build<T>(
    source: string,
    request: { id: BuildId; stack: BuildStack; build: (stack: BuildStack) => Promise<T> },
  ): Promise<T> {
    const { id, stack } = request;
    const existing = this.#entries.get(source);
    if (existing === undefined) {
      let inner: BuildStack;
      try {
        inner = stack.push(id);
      } catch (error) {
        return Promise.reject(error);
      }
      this.#started++;
      const promise = request.build(inner);
      promise.catch(() => {}); // Whoever awaits it sees the error.
      this.#entries.set(source, { id, promise });
      this.#labels.set(id.key, id.label);
      return this.#wait(stack, id, promise);
    }
    try {
      // Nested in itself: the stack says so. Else waiting may close a circle of waits.
      if (stack.has(existing.id.key)) stack.push(existing.id);
      const circle = this.#pathTo(existing.id.key, stack);
      if (circle !== undefined) throw this.#cycle(stack, circle);
    } catch (error) {
      return Promise.reject(error);
    }
    return this.#wait(stack, existing.id, existing.promise as Promise<T>);
  }

  /** Resolves once every build started so far (and any they started) has settled. */
  async settled(): Promise<void> {
    let count = -1;
    while (count !== this.#entries.size) {
      count = this.#entries.size;
      await Promise.allSettled([...this.#entries.values()].map((entry) => entry.promise));
    }
  }

  /** Awaits `promise` on behalf of the innermost build of `stack`, recording the wait. */
  async #wait<T>(stack: BuildStack, id: BuildId, promise: Promise<T>): Promise<T> {
    const waiter = stack.top?.key;
    if (waiter === undefined) return await promise;
    const edges = this.#waits.get(waiter) ?? new Map<string, number>();
    this.#waits.set(waiter, edges);
    edges.set(id.key, (edges.get(id.key) ?? 0) + 1);
    try {
      return await promise;
    } finally {
      const left = edges.get(id.key)! - 1;
      if (left === 0) edges.delete(id.key);
      else edges.set(id.key, left);
    }
  }

  /**
   * The error for a circle: the stack from the build the circle returns to,
   * then the waits from the requested build back to it.
   */
  #cycle(stack: BuildStack, circle: readonly string[]): BuildCycleError {
    const back = circle.at(-1)!;
    const from = stack.ids.findIndex((id) => id.key === back);
    return new BuildCycleError([
      ...stack.ids.slice(from).map((id) => id.label),
      ...circle.map((key) => this.#labels.get(key) ?? key),
    ]);
  }

  /**
   * The keys of a chain of waits from `start` to a build on `stack`
   * (`start` first, the stack's build last), if there is one.
   */
  #pathTo(start: string, stack: BuildStack): string[] | undefined {
    const parents = new Map<string, string | undefined>([[start, undefined]]);
    const queue = [start];
    for (let at = 0; at < queue.length; at++) {
      const key = queue[at]!;
      if (stack.has(key)) {
        const path: string[] = [];
        for (let step: string | undefined = key; step !== undefined; step = parents.get(step)) {
          path.push(step);
        }
        return path.reverse();
      }
      for (const next of this.#waits.get(key)?.keys() ?? []) {
        if (!parents.has(next)) {
          parents.set(next, key);
          queue.push(next);
        }
      }
    }
    return undefined;
  }
}
