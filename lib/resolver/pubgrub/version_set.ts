/**
 * Version sets for the PubGrub solver.
 *
 * A package's *universe* is the finite, ascending list of every version the
 * package is known to have (from the index, the installed environment or a
 * direct URL). A {@link VersionSet} is a subset of one universe, stored as a
 * bitset over the universe's indices. Intersection, union and complement are
 * then exact whatever PEP 440 does (`!=1.*`, local versions, pre-release
 * exclusions of `<V`): a requirement's set is simply the versions its
 * specifier contains. Versions that do not exist never matter to a
 * resolution, so nothing is lost by leaving them out.
 *
 * Sets carry an optional *label* (the specifier text they were built from) so
 * failure reports can say `b>=2` rather than list versions; sets derived by
 * set algebra are rendered as ranges over the universe.
 *
 * @module
 */

/** The ordered versions of one package (ascending). Labels are display strings. */
export class Universe {
  /** Display string of each version, ascending by version. */
  readonly labels: readonly string[];

  constructor(labels: readonly string[]) {
    this.labels = labels;
  }

  /** How many versions the package has. */
  get size(): number {
    return this.labels.length;
  }
}

const WORD = 32;

function popcount(word: number): number {
  let v = word - ((word >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * An immutable subset of a {@link Universe}.
 *
 * @example
 * ```ts
 * const universe = new Universe(["1.0", "1.1", "2.0"]);
 * const set = VersionSet.fromPredicate(universe, (i) => i >= 1, ">=1.1");
 * set.toString(); // ">=1.1"
 * set.complement().toString(); // "==1.0"
 * ```
 */
export class VersionSet {
  /** The universe this set is a subset of. */
  readonly universe: Universe;
  /** The specifier text this set was built from, for display. */
  readonly label: string | undefined;
  readonly #words: Uint32Array;

  private constructor(universe: Universe, words: Uint32Array, label?: string) {
    this.universe = universe;
    this.#words = words;
    this.label = label;
  }

  /** The set with no versions. */
  static empty(universe: Universe): VersionSet {
    return new VersionSet(universe, new Uint32Array(Math.ceil(universe.size / WORD)));
  }

  /** The set of every version of the universe. */
  static full(universe: Universe): VersionSet {
    const words = new Uint32Array(Math.ceil(universe.size / WORD));
    for (let i = 0; i < universe.size; i++) words[i >>> 5]! |= 1 << (i & 31);
    return new VersionSet(universe, words);
  }

  /** The set holding exactly the version at `index`. */
  static singleton(universe: Universe, index: number): VersionSet {
    return VersionSet.fromIndices(universe, [index]);
  }

  /** The set of the versions at `indices`. */
  static fromIndices(universe: Universe, indices: Iterable<number>, label?: string): VersionSet {
    const words = new Uint32Array(Math.ceil(universe.size / WORD));
    for (const i of indices) {
      if (i < 0 || i >= universe.size) throw new RangeError(`version index ${i} out of range`);
      words[i >>> 5]! |= 1 << (i & 31);
    }
    return new VersionSet(universe, words, label);
  }

  /** The set of the versions whose index satisfies `predicate`. */
  static fromPredicate(
    universe: Universe,
    predicate: (index: number) => boolean,
    label?: string,
  ): VersionSet {
    const words = new Uint32Array(Math.ceil(universe.size / WORD));
    for (let i = 0; i < universe.size; i++) {
      if (predicate(i)) words[i >>> 5]! |= 1 << (i & 31);
    }
    return new VersionSet(universe, words, label);
  }

  /** The same set with another display label. */
  withLabel(label: string | undefined): VersionSet {
    return new VersionSet(this.universe, this.#words, label);
  }

  /** Whether the version at `index` is in the set. */
  has(index: number): boolean {
    return ((this.#words[index >>> 5] ?? 0) & (1 << (index & 31))) !== 0;
  }

  /** Whether the set has no versions. */
  isEmpty(): boolean {
    for (const w of this.#words) if (w !== 0) return false;
    return true;
  }

  /** Whether the set holds every version of its universe. */
  isFull(): boolean {
    return this.size() === this.universe.size;
  }

  /** How many versions the set holds. */
  size(): number {
    let n = 0;
    for (const w of this.#words) n += popcount(w);
    return n;
  }

  /** The indices of the set's versions, ascending. */
  *indices(): IterableIterator<number> {
    for (let w = 0; w < this.#words.length; w++) {
      let word = this.#words[w]!;
      while (word !== 0) {
        const bit = 31 - Math.clz32(word & -word);
        yield w * WORD + bit;
        word &= word - 1;
      }
    }
  }

  /** The versions in both sets. */
  intersect(other: VersionSet): VersionSet {
    this.#check(other);
    const words = new Uint32Array(this.#words.length);
    for (let i = 0; i < words.length; i++) words[i] = this.#words[i]! & other.#words[i]!;
    return this.#derived(other, words);
  }

  /** The versions in either set. */
  union(other: VersionSet): VersionSet {
    this.#check(other);
    const words = new Uint32Array(this.#words.length);
    for (let i = 0; i < words.length; i++) words[i] = this.#words[i]! | other.#words[i]!;
    return this.#derived(other, words);
  }

  /** The versions of this set that are not in `other`. */
  minus(other: VersionSet): VersionSet {
    this.#check(other);
    const words = new Uint32Array(this.#words.length);
    for (let i = 0; i < words.length; i++) words[i] = this.#words[i]! & ~other.#words[i]!;
    return this.#derived(other, words);
  }

  /** The versions of the universe that are not in this set. */
  complement(): VersionSet {
    const words = new Uint32Array(this.#words.length);
    const size = this.universe.size;
    for (let i = 0; i < words.length; i++) {
      const bits = Math.min(WORD, size - i * WORD);
      const mask = bits === WORD ? 0xffffffff : (1 << bits) - 1;
      words[i] = ~this.#words[i]! & mask;
    }
    return new VersionSet(this.universe, words);
  }

  /** Whether both sets hold the same versions. */
  equals(other: VersionSet): boolean {
    if (this.universe !== other.universe) return false;
    for (let i = 0; i < this.#words.length; i++) {
      if (this.#words[i] !== other.#words[i]) return false;
    }
    return true;
  }

  /** Whether every version of this set is in `other`. */
  isSubsetOf(other: VersionSet): boolean {
    this.#check(other);
    for (let i = 0; i < this.#words.length; i++) {
      if ((this.#words[i]! & ~other.#words[i]!) !== 0) return false;
    }
    return true;
  }

  /** Whether the sets have no version in common. */
  isDisjoint(other: VersionSet): boolean {
    this.#check(other);
    for (let i = 0; i < this.#words.length; i++) {
      if ((this.#words[i]! & other.#words[i]!) !== 0) return false;
    }
    return true;
  }

  /**
   * The set as specifier text: its label when it has one, otherwise ranges
   * over the universe (`>=1.0,<2.0`, `==1.5`, `!=1.5`, `<1.0 | >=2.0`), and
   * `*` for every version.
   */
  toString(): string {
    if (this.label !== undefined) return this.label;
    return formatRanges(this);
  }

  #derived(other: VersionSet, words: Uint32Array): VersionSet {
    const result = new VersionSet(this.universe, words);
    if (this.label !== undefined && result.equals(this)) return result.withLabel(this.label);
    if (other.label !== undefined && result.equals(other)) return result.withLabel(other.label);
    return result;
  }

  #check(other: VersionSet): void {
    if (other.universe !== this.universe) {
      throw new Error("version sets of different packages cannot be combined");
    }
  }
}

function runs(set: VersionSet): Array<[number, number]> {
  const result: Array<[number, number]> = [];
  for (const i of set.indices()) {
    const last = result.at(-1);
    if (last !== undefined && last[1] === i - 1) last[1] = i;
    else result.push([i, i]);
  }
  return result;
}

function formatRanges(set: VersionSet): string {
  const labels = set.universe.labels;
  const n = labels.length;
  const parts = runs(set);
  if (parts.length === 0) return "<none>";
  if (parts.length === 1 && parts[0]![0] === parts[0]![1]) return `==${labels[parts[0]![0]]}`;
  if (parts.length === 1 && parts[0]![0] === 0 && parts[0]![1] === n - 1) return "*";
  const missing = runs(set.complement());
  if (missing.length === 1 && missing[0]![0] === missing[0]![1]) {
    return `!=${labels[missing[0]![0]]}`;
  }
  return parts.map(([from, to]) => {
    if (from === to) return `==${labels[from]}`;
    const lower = from === 0 ? undefined : `>=${labels[from]}`;
    const upper = to === n - 1 ? undefined : `<=${labels[to]}`;
    return [lower, upper].filter((part) => part !== undefined).join(",");
  }).join(" | ");
}
