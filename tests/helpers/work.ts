/**
 * A deterministic measure of how much work lib/ code does: the number of
 * basic blocks of lib/ functions executed (function entries, loop
 * iterations, branches taken), read from V8's precise block coverage through
 * `node:inspector`. The same input gives the same count on any machine and
 * under any load, so a test can check that a parser's work grows linearly
 * with its input without timing it.
 *
 * What it does not see: work inside built-ins (a native `indexOf` or a
 * regular expression). Regular expressions are checked statically instead
 * (`tests/source_rules_test.ts`); the timed campaign (`deno task fuzz`) covers
 * the rest.
 *
 * V8 adds block counters only to functions compiled after coverage starts,
 * so start the meter before the lib/ code to be measured first runs: import
 * that code dynamically after {@link startWorkMeter}.
 *
 * @module
 */

import { Session } from "node:inspector";

interface CoverageRange {
  count: number;
}
interface CoverageResult {
  result: { url: string; functions: { ranges: CoverageRange[] }[] }[];
}

/** Counts lib/ work; see the module documentation. */
export interface WorkMeter {
  /** The work lib/ does while `fn` runs (an exception from `fn` is caught and ignored). */
  measure(fn: () => unknown): Promise<number>;
}

/** dpip's lib/ directory, as the URLs of its scripts start. */
const LIBRARY = new URL("../../lib/", import.meta.url).href;

let meter: Promise<WorkMeter> | undefined;

/** Starts counting (once per process) and returns the meter. */
export function startWorkMeter(): Promise<WorkMeter> {
  meter ??= (async () => {
    const session = new Session();
    session.connect();
    const post = <T>(method: string, params: object = {}) =>
      new Promise<T>((resolve, reject) =>
        session.post(
          method,
          params,
          (error: Error | null, result: unknown) => error ? reject(error) : resolve(result as T),
        )
      );
    await post("Profiler.enable");
    await post("Profiler.startPreciseCoverage", { callCount: true, detailed: true });
    const take = async (): Promise<number> => {
      const coverage = await post<CoverageResult>("Profiler.takePreciseCoverage");
      let total = 0;
      for (const script of coverage.result) {
        if (!script.url.startsWith(LIBRARY)) continue;
        for (const fn of script.functions) for (const range of fn.ranges) total += range.count;
      }
      return total;
    };
    return {
      async measure(fn: () => unknown): Promise<number> {
        await take(); // resets the counters
        try {
          await fn();
        } catch {
          // Failing is a result like any other; only the work counts.
        }
        return await take();
      },
    };
  })();
  return meter;
}

/** How the work of a parser grew when its input grew `factor` times. */
export interface Growth {
  /** Work on the smaller input. */
  small: number;
  /** Work on the input `factor` times larger. */
  large: number;
  /** `large / small`. */
  ratio: number;
}

/**
 * The work of `run(build(size))` and `run(build(size * factor))`. A parser
 * linear in its input has a ratio of at most `factor`; a quadratic one
 * approaches `factor²`.
 */
export async function workGrowth<T>(
  build: (size: number) => T,
  run: (input: T) => unknown,
  options: { size?: number; factor?: number } = {},
): Promise<Growth> {
  const work = await startWorkMeter();
  const size = options.size ?? 1000;
  const factor = options.factor ?? 4;
  const small = await work.measure(() => run(build(size)));
  const large = await work.measure(() => run(build(size * factor)));
  return { small, large, ratio: large / Math.max(small, 1) };
}

/**
 * The largest ratio {@link workGrowth} accepts as linear for a factor of 4:
 * room for `n log n` (sorting) at these sizes, far below the 16 of a quadratic.
 */
export const LINEAR_RATIO = 5;
