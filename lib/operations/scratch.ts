/**
 * A run's scratch space: one directory under the temporary directory (made
 * on first use), holding every directory the run's builds and downloads
 * make, and removed as a whole when the run ends, however it ends.
 *
 * @module
 */

/** The prefix of every run's scratch directory in the temporary directory. */
export const SCRATCH_PREFIX = "dpip-run-";

/**
 * One run's scratch directory.
 *
 * @example
 * ```ts
 * import { Scratch } from "./scratch.ts";
 * const scratch = new Scratch();
 * try {
 *   const dir = await scratch.dir("sdist"); // <tmp>/dpip-run-…/sdist-…
 * } finally {
 *   await scratch.remove();
 * }
 * ```
 */
export class Scratch {
  readonly #tempDir: string | undefined;
  #root: Promise<string> | undefined;
  #removed = false;

  /** `tempDir` is the temporary directory (`$TMPDIR`); the system's when undefined. */
  constructor(options: { tempDir?: string } = {}) {
    this.#tempDir = options.tempDir === "" ? undefined : options.tempDir;
  }

  /** A new directory named `<what>-…` in the run's scratch directory. */
  async dir(what: string): Promise<string> {
    if (this.#removed) throw new Error("the run's scratch directory was removed already");
    this.#root ??= Deno.makeTempDir({
      prefix: SCRATCH_PREFIX,
      ...(this.#tempDir === undefined ? {} : { dir: this.#tempDir }),
    });
    return await Deno.makeTempDir({ dir: await this.#root, prefix: `${what}-` });
  }

  /** Removes everything made (once no one is writing into it any more). */
  async remove(): Promise<void> {
    this.#removed = true;
    if (this.#root === undefined) return;
    const root = await this.#root.catch(() => undefined);
    if (root !== undefined) await Deno.remove(root, { recursive: true }).catch(() => {});
  }
}

/** The temporary directory named by the run's environment (`TMPDIR`), if any. */
export function tempDirOf(env: Readonly<Record<string, string>> | undefined): string | undefined {
  const dir = env?.["TMPDIR"];
  return dir === undefined || dir === "" ? undefined : dir;
}
