/**
 * A small seeded PRNG (mulberry32) for generated test inputs, so
 * every run produces the same cases.
 *
 * @module
 */

/** Deterministic random choices from a 32-bit seed. */
export class Random {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One element of `items`. */
  pick<T>(items: readonly T[]): T {
    const item = items[Math.floor(this.next() * items.length)];
    if (item === undefined) throw new Error("pick() from an empty list");
    return item;
  }

  /** A string of `length` characters drawn from `alphabet`. */
  string(alphabet: string, length: number): string {
    const chars = [...alphabet];
    let out = "";
    for (let i = 0; i < length; i++) out += this.pick(chars);
    return out;
  }
}

/** A function returning floats in [0, 1) from a {@link Random} seeded with `seed`. */
export function seededFloats(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}
