/**
 * The names in a few directories, each read once: whether an entry is there
 * at all, answered without an `lstat` that fails (in Deno, a failed call
 * builds an error object, which costs several times the call). An install
 * into a fresh environment would otherwise fail two `lstat` calls for each
 * top-level package and launcher (~500 for jupyterlab): one checking its
 * destination, one when the commit moves it in.
 *
 * A listing can only say an entry may be there; whoever uses it still looks
 * at a present entry itself. Entries created after the listing must be
 * {@link DirectoryListings.add}ed by whoever creates them. Names are compared
 * ignoring ASCII case, and a name or a listing with other characters is
 * always "may be there": on a file system that folds case or normalizes
 * Unicode, another spelling of a name finds the same entry.
 *
 * @module
 */

/** Directory listings, read on first use. */
export class DirectoryListings {
  /** Each directory's names, lower-cased; undefined when it cannot be listed or has non-ASCII names. */
  readonly #names = new Map<string, Set<string> | undefined>();

  /**
   * Whether `dir` may have an entry `name`: false only when the listing of
   * `dir` lacks it (or `dir` does not exist).
   */
  has(dir: string, name: string): boolean {
    const names = this.#of(dir);
    return names === undefined || !ASCII.test(name) || names.has(name.toLowerCase());
  }

  /** Records that `dir` now has an entry `name`. */
  add(dir: string, name: string): void {
    this.#of(dir)?.add(name.toLowerCase());
  }

  /** Drops what is known of `dir` and the directories below it (it was removed). */
  forget(dir: string): void {
    for (const known of [...this.#names.keys()]) {
      if (known === dir || known.startsWith(`${dir}/`)) this.#names.delete(known);
    }
  }

  #of(dir: string): Set<string> | undefined {
    if (this.#names.has(dir)) return this.#names.get(dir);
    let names: Set<string> | undefined = new Set();
    try {
      for (const entry of Deno.readDirSync(dir)) {
        if (!ASCII.test(entry.name)) {
          names = undefined;
          break;
        }
        names.add(entry.name.toLowerCase());
      }
    } catch (error) {
      // Missing: nothing is there. Unreadable (or not a directory): unknown.
      if (!(error instanceof Deno.errors.NotFound)) names = undefined;
    }
    this.#names.set(dir, names);
    return names;
  }
}

// deno-lint-ignore no-control-regex
const ASCII = /^[\x00-\x7f]*$/;
