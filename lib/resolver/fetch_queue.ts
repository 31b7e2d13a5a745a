/**
 * Memoized, concurrency-bounded requests with two urgencies.
 *
 * The resolver asks ahead for metadata it will probably need (speculative)
 * while it waits on what it needs now (urgent). Both share one bound on
 * requests in flight; an urgent request, or a speculative one that becomes
 * urgent because the solver now waits on it, jumps the queue.
 *
 * @module
 */

import { appendAll } from "../lists.ts";

interface Task<T> {
  run: () => Promise<T>;
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
  started: boolean;
  urgent: boolean;
}

/**
 * Runs each keyed request once, at most `concurrency` at a time.
 *
 * @example
 * ```ts
 * const queue = new FetchQueue(4);
 * const text = await queue.get("a", () => Promise.resolve("metadata of a"), { urgent: true });
 * ```
 */
export class FetchQueue {
  readonly #concurrency: number;
  readonly #tasks = new Map<string, Task<unknown>>();
  readonly #urgent: Task<unknown>[] = [];
  readonly #speculative: Task<unknown>[] = [];
  #running = 0;
  #started = 0;
  /** After {@link settle}: nothing more is started. */
  #settled = false;

  constructor(concurrency: number) {
    this.#concurrency = Math.max(1, concurrency);
  }

  /** How many requests have been started so far. */
  get started(): number {
    return this.#started;
  }

  /** Whether `key` has been requested (started or queued). */
  has(key: string): boolean {
    return this.#tasks.has(key);
  }

  /**
   * The result of `run` for `key`, running it once. An urgent get of a key
   * already queued speculatively moves it to the front.
   */
  get<T>(key: string, run: () => Promise<T>, options: { urgent: boolean }): Promise<T> {
    const existing = this.#tasks.get(key) as Task<T> | undefined;
    if (existing !== undefined) {
      if (options.urgent && !existing.urgent && !existing.started) {
        existing.urgent = true;
        const at = this.#speculative.indexOf(existing as Task<unknown>);
        if (at >= 0) this.#speculative.splice(at, 1);
        this.#urgent.push(existing as Task<unknown>);
      }
      return existing.promise;
    }
    let resolve!: (value: T) => void;
    let reject!: (error: unknown) => void;
    const promise = new Promise<T>((res, rej) => {
      resolve = res;
      reject = rej;
    });
    // A speculative request nobody ends up awaiting must not fail the process.
    promise.catch(() => {});
    if (this.#settled) {
      reject(new Error("the resolution ended first"));
      return promise;
    }
    const task: Task<T> = { run, promise, resolve, reject, started: false, urgent: options.urgent };
    this.#tasks.set(key, task as Task<unknown>);
    (options.urgent ? this.#urgent : this.#speculative).push(task as Task<unknown>);
    this.#pump();
    return promise;
  }

  /**
   * Drops the requests not started yet (they reject; nobody awaits a
   * speculative one), starts no more, and waits for those running to end,
   * so that nothing the queue started is still at work (writing a cache,
   * say) after it.
   */
  async settle(): Promise<void> {
    this.#settled = true;
    const dropped = this.#speculative.splice(0);
    appendAll(dropped, this.#urgent.splice(0));
    for (const task of dropped) task.reject(new Error("the resolution ended first"));
    const running = [...this.#tasks.values()].filter((task) => task.started);
    await Promise.allSettled(running.map((task) => task.promise));
  }

  #pump(): void {
    while (this.#running < this.#concurrency && !this.#settled) {
      const task = this.#urgent.shift() ?? this.#speculative.shift();
      if (task === undefined) return;
      task.started = true;
      this.#running++;
      this.#started++;
      task.run().then(task.resolve, task.reject).finally(() => {
        this.#running--;
        this.#pump();
      });
    }
  }
}
