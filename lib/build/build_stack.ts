/**
 * The build stack: the chain of distributions being built, outermost first.
 *
 * Building an sdist may need other sdists built first (its build requirements
 * are installed into its isolated environment, and some may exist only as
 * sdists). Every build carries the stack of builds above it, so that a
 * distribution needed, directly or not, to build itself is refused with one
 * error naming the chain, instead of starting nested builds without end.
 *
 * @module
 */

import { DpipError } from "../errors.ts";

/** A distribution being built: what makes two builds the same one, and how to show it. */
export interface BuildId {
  /** Equal for builds of the same distribution (`selfreq==1.0`, or a URL when unnamed). */
  readonly key: string;
  /** How the chain shows it (`selfreq 1.0`, or the requirement as given). */
  readonly label: string;
}

/** A distribution is needed, directly or not, to build itself. */
export class BuildCycleError extends DpipError<"build-cycle"> {
  /** The builds, outermost first; the last one is the first one again. */
  readonly chain: readonly string[];

  /** `chain` lists the labels of the builds, outermost first, ending where it started. */
  constructor(chain: readonly string[]) {
    super(
      "build-cycle",
      `Cyclic build dependency: ${chain.join(" → ")} (each is needed to build the one before it)`,
      {
        hint:
          "one of these must be available as a wheel (on the index or with --find-links), or be installed and built with --no-build-isolation",
      },
    );
    this.name = "BuildCycleError";
    this.chain = chain;
  }
}

/**
 * An immutable stack of builds. {@link BuildStack.push} refuses a build
 * already on it.
 *
 * @example
 * ```ts
 * import { BuildStack } from "./build_stack.ts";
 * const a = { key: "a==1.0", label: "a 1.0" };
 * const stack = BuildStack.root().push(a).push({ key: "b==1.0", label: "b 1.0" });
 * stack.labels(); // ["a 1.0", "b 1.0"]
 * // stack.push(a) throws BuildCycleError: "a 1.0 → b 1.0 → a 1.0"
 * ```
 */
export class BuildStack {
  readonly #ids: readonly BuildId[];

  private constructor(ids: readonly BuildId[]) {
    this.#ids = ids;
  }

  /** The empty stack of a top-level run. */
  static root(): BuildStack {
    return new BuildStack([]);
  }

  /** The builds, outermost first. */
  get ids(): readonly BuildId[] {
    return this.#ids;
  }

  /** The innermost build, if any. */
  get top(): BuildId | undefined {
    return this.#ids.at(-1);
  }

  /** Whether a build of the same distribution is on the stack. */
  has(key: string): boolean {
    return this.#ids.some((id) => id.key === key);
  }

  /** The labels, outermost first. */
  labels(): string[] {
    return this.#ids.map((id) => id.label);
  }

  /**
   * This stack with `id` on top.
   *
   * @throws {BuildCycleError} when `id` is already on the stack.
   */
  push(id: BuildId): BuildStack {
    const at = this.#ids.findIndex((entry) => entry.key === id.key);
    if (at >= 0) {
      throw new BuildCycleError([...this.#ids.slice(at).map((entry) => entry.label), id.label]);
    }
    return new BuildStack([...this.#ids, id]);
  }
}
