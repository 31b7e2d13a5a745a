/**
 * Seeded generators of PEP 440 test inputs: versions (valid, near-valid and
 * hostile), specifiers, specifier sets and versions near a specifier, for
 * differential tests against `packaging`. Reusable by other differential
 * tests (requirements, filenames) that need realistic version text.
 *
 * @module
 */

/** A small, fast, seeded PRNG (sfc32), so generated cases are reproducible. */
export class Random {
  #a: number;
  #b: number;
  #c: number;
  #d: number;

  constructor(seed: number) {
    this.#a = 0x9e3779b9;
    this.#b = 0x243f6a88;
    this.#c = 0xb7e15162;
    this.#d = seed >>> 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** A float in [0, 1). */
  next(): number {
    const a = this.#a, b = this.#b, c = this.#c, d = this.#d;
    const t = (((a + b) | 0) + d) | 0;
    this.#d = (d + 1) | 0;
    this.#a = b ^ (b >>> 9);
    this.#b = (c + (c << 3)) | 0;
    const r = (c << 21) | (c >>> 11);
    this.#c = (r + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** A random element of `items`. */
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

const SEPARATORS = [".", "-", "_"];
const WHITESPACE = [" ", "\t", "\n", "\u00a0", "\u2003", "\x0c", "\u3000", "\x1c", "\x85"];

function randomCase(random: Random, word: string): string {
  if (random.chance(0.7)) return word;
  if (random.chance(0.5)) return word.toUpperCase();
  return [...word].map((c) => random.chance(0.5) ? c.toUpperCase() : c).join("");
}

/** A non-negative integer as text: mostly small, sometimes with leading zeros or huge. */
export function randomNumber(random: Random): string {
  const roll = random.next();
  let text: string;
  if (roll < 0.55) text = String(random.int(10));
  else if (roll < 0.85) text = String(random.int(1000));
  else if (roll < 0.95) text = String(random.int(100_000_000));
  else {
    text = String(1 + random.int(9));
    const length = 10 + random.int(25);
    for (let i = 0; i < length; i++) text += String(random.int(10));
  }
  if (random.chance(0.08)) text = "0".repeat(1 + random.int(3)) + text;
  return text;
}

function optionalSeparator(random: Random, p: number): string {
  return random.chance(p) ? random.pick(SEPARATORS) : "";
}

/** A random valid version, in any accepted spelling. */
export function randomVersion(random: Random): string {
  let text = "";
  if (random.chance(0.05)) text += random.pick(["v", "V"]);
  if (random.chance(0.1)) text += randomNumber(random) + "!";
  const parts = 1 + random.int(random.chance(0.1) ? 7 : 4);
  const release: string[] = [];
  for (let i = 0; i < parts; i++) release.push(randomNumber(random));
  text += release.join(".");
  if (random.chance(0.3)) {
    text += optionalSeparator(random, 0.3);
    text += randomCase(
      random,
      random.pick(["a", "b", "c", "rc", "alpha", "beta", "pre", "preview"]),
    );
    text += optionalSeparator(random, 0.2);
    if (random.chance(0.85)) text += randomNumber(random);
  }
  if (random.chance(0.25)) {
    if (random.chance(0.25)) text += "-" + randomNumber(random);
    else {
      text += optionalSeparator(random, 0.7);
      text += randomCase(random, random.pick(["post", "rev", "r"]));
      text += optionalSeparator(random, 0.2);
      if (random.chance(0.85)) text += randomNumber(random);
    }
  }
  if (random.chance(0.25)) {
    text += optionalSeparator(random, 0.7);
    text += randomCase(random, "dev");
    text += optionalSeparator(random, 0.2);
    if (random.chance(0.85)) text += randomNumber(random);
  }
  if (random.chance(0.2)) text += "+" + randomLocal(random);
  if (random.chance(0.05)) text = random.pick(WHITESPACE) + text;
  if (random.chance(0.05)) text += random.pick(WHITESPACE);
  return text;
}

/** A random local version label. */
export function randomLocal(random: Random): string {
  const parts = 1 + random.int(3);
  const items: string[] = [];
  for (let i = 0; i < parts; i++) {
    items.push(
      random.chance(0.5)
        ? randomNumber(random)
        : randomCase(random, random.pick(["ubuntu", "abc", "a", "cpu", "cu118", "dev", "x1y"])),
    );
  }
  return items.map((item, i) => (i === 0 ? "" : random.pick(SEPARATORS)) + item).join("");
}

/** Characters that make mutated versions interesting. */
const MUTATION_ALPHABET = [
  ".",
  "-",
  "_",
  "+",
  "!",
  "*",
  " ",
  "v",
  "V",
  "a",
  "b",
  "c",
  "r",
  "p",
  "d",
  "e",
  "o",
  "s",
  "t",
  "0",
  "1",
  "9",
  "ſ",
  "ı",
  "K",
  "é",
  "١",
  "\u00a0",
  "\ufeff",
  ",",
  ";",
  ")",
  "=",
];

/** A version mutated by one to three random edits: often invalid, sometimes not. */
export function randomNearVersion(random: Random): string {
  let text = randomVersion(random);
  const edits = 1 + random.int(3);
  for (let i = 0; i < edits; i++) {
    const at = random.int(text.length + 1);
    const roll = random.next();
    if (roll < 0.4) text = text.slice(0, at) + random.pick(MUTATION_ALPHABET) + text.slice(at);
    else if (roll < 0.7) text = text.slice(0, at) + text.slice(at + 1);
    else if (roll < 0.85) {
      text = text.slice(0, at) + random.pick(MUTATION_ALPHABET) + text.slice(at + 1);
    } else text = text.slice(0, at) + text.slice(at, at + 2) + text.slice(at);
  }
  return text;
}

/**
 * Long, adversarial inputs that make backtracking parsers blow up. Each is
 * about `length` characters. Some are valid (a long release), most are not.
 */
export function hostileVersions(length: number): string[] {
  const repeat = (unit: string) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);
  return [
    repeat("1"),
    repeat("1."),
    repeat("1.0") + "x",
    "1" + repeat(".0"),
    "1.0" + repeat("-"),
    "1.0" + repeat("a"),
    "1.0" + repeat(".post"),
    "1.0" + repeat("-1"),
    "1.0+" + repeat("a."),
    "1.0+" + repeat("a.") + "!",
    "1.0+" + repeat("a-1_"),
    repeat("v"),
    repeat(" ") + "1.0" + repeat(" ") + "x",
    "1!" + repeat("!"),
    repeat("1!"),
    "1.0" + repeat("dev"),
    "1.0" + repeat(".dev"),
    "1.0a" + repeat("0") + "b",
    repeat("0") + "1",
    "1." + repeat("0") + "1",
    "1.0" + repeat("_") + "post",
  ];
}

const OPERATORS = ["==", "!=", "<=", ">=", "<", ">", "~=", "==="];
const BAD_OPERATORS = ["=", "=>", "=<", "~", "<<", "!", "====", "", "≥"];

/** Some whitespace, usually none. */
function maybeSpace(random: Random): string {
  if (random.chance(0.8)) return "";
  return random.chance(0.7) ? " " : random.pick(WHITESPACE);
}

/** A random specifier: mostly valid, some near-valid, some with bad operators. */
export function randomSpecifier(random: Random): string {
  const roll = random.next();
  let operator = random.pick(OPERATORS);
  if (roll < 0.04) operator = random.pick(BAD_OPERATORS);
  let version: string;
  if (operator === "===") {
    version = random.chance(0.5)
      ? randomVersion(random).trim()
      : random.pick(["foo", "FOO", "1.0-beta", "1.0 1", "a;b", "x)", "", "abc.1", "ſ", "İ"]);
  } else if (roll < 0.15) version = randomNearVersion(random);
  else version = randomVersion(random).trim();
  if ((operator === "==" || operator === "!=") && random.chance(0.25)) {
    version = version.replace(/([0-9])[^0-9].*$/s, "$1") + ".*";
  }
  if (operator === "~=" && random.chance(0.2)) version = version.replace(/^[0-9]+/, "$&.0");
  return maybeSpace(random) + operator + maybeSpace(random) + version + maybeSpace(random);
}

/** A random specifier set of zero to four specifiers, with stray commas and spaces. */
export function randomSpecifierSet(random: Random): string {
  const count = random.int(5);
  const items: string[] = [];
  for (let i = 0; i < count; i++) items.push(randomSpecifier(random));
  if (random.chance(0.05)) items.push(random.chance(0.5) ? "" : " ");
  return items.join(random.chance(0.8) ? "," : random.pick([", ", " ,", ",,"]));
}

/**
 * A version likely to sit near the boundary of specifiers whose versions
 * appear in `specifierText`: the same version, its neighbours, its pre-,
 * post-, dev- and local variants, or something random.
 */
export function randomVersionNear(random: Random, specifierText: string): string {
  const found = specifierText.match(/[0-9]+(?:!?[0-9]+)?(?:\.[0-9]+)*/g);
  if (found === null || random.chance(0.15)) {
    return random.chance(0.8) ? randomVersion(random) : randomNearVersion(random);
  }
  let base = random.pick(found);
  if (random.chance(0.5)) {
    const parts = base.split(".");
    const i = random.int(parts.length);
    const value = Number(parts[i]!.replace(/^.*!/, "")) || 0;
    const next = Math.max(0, value + random.pick([-1, 0, 1]));
    parts[i] = parts[i]!.includes("!") ? parts[i]!.replace(/[0-9]+$/, String(next)) : String(next);
    base = parts.join(".");
  }
  if (random.chance(0.2)) base += ".0";
  if (random.chance(0.1)) base = base.replace(/\.0$/, "");
  if (random.chance(0.3)) base += random.pick(["a1", "b2", "rc1", "a0", "rc0"]);
  if (random.chance(0.25)) base += random.pick([".post0", ".post1", "-1", ".post2"]);
  if (random.chance(0.25)) base += random.pick([".dev0", ".dev1", ".dev"]);
  if (random.chance(0.2)) base += "+" + randomLocal(random);
  if (random.chance(0.05)) base = base.toUpperCase();
  if (random.chance(0.1)) {
    const arbitrary = specifierText.match(/===\s*([^\s,;)]*)/);
    if (arbitrary !== null) {
      base = random.chance(0.5) ? arbitrary[1]! : arbitrary[1]!.toUpperCase();
    }
  }
  return base;
}

/** A version as projects really publish them: mostly plain releases, some pre/post/dev/local. */
export function realisticVersion(random: Random): string {
  const parts = 1 + random.int(4);
  const release: number[] = [];
  for (let i = 0; i < parts; i++) release.push(random.int(i === 0 ? 30 : 20));
  let text = release.join(".");
  if (random.chance(0.12)) text += random.pick(["a", "b", "rc"]) + random.int(5);
  if (random.chance(0.06)) text += ".post" + random.int(3);
  if (random.chance(0.06)) text += ".dev" + random.int(10);
  if (random.chance(0.03)) text += "+" + random.pick(["cpu", "cu118", "ubuntu.1", "local"]);
  if (random.chance(0.02)) text = random.int(3) + "!" + text;
  return text;
}

/** A specifier set as requirements really write them. */
export function realisticSpecifierSet(random: Random): string {
  const release = () => realisticVersion(random).replace(/[^0-9.].*$/, "").replace(/\.$/, "");
  const shapes = [
    () => `>=${release()}`,
    () => `>=${release()},<${random.int(30) + 1}`,
    () => `~=${random.int(10)}.${random.int(20)}`,
    () => `~=${random.int(10)}.${random.int(20)}.${random.int(10)}`,
    () => `==${random.int(10)}.${random.int(20)}.*`,
    () => `==${realisticVersion(random)}`,
    () => `!=${release()},>=${release()}`,
    () => `<${release()}`,
    () => `>${release()},!=${random.int(10)}.*,<=${release()}`,
    () => `>=${realisticVersion(random).replace(/\+.*$/, "")}`,
  ];
  return random.pick(shapes)();
}

/** The inputs the PEP 440 benchmarks use, identical for dpip and for `packaging`. */
export interface BenchmarkInputs {
  /** 100,000 versions, nearly all distinct. */
  versions: string[];
  /** 100,000 pairs of a specifier set (from a pool of 500) and a version. */
  pairs: [string, string][];
}

/** Builds the benchmark inputs from a fixed seed. */
export function benchmarkInputs(count = 100_000): BenchmarkInputs {
  const random = new Random(2026);
  const versions: string[] = [];
  for (let i = 0; i < count; i++) versions.push(realisticVersion(random));
  const sets: string[] = [];
  for (let i = 0; i < 500; i++) sets.push(realisticSpecifierSet(random));
  const pairs: [string, string][] = [];
  for (let i = 0; i < count; i++) pairs.push([random.pick(sets), versions[i]!]);
  return { versions, pairs };
}

const SOUP_TOKENS = [
  "1",
  "0",
  "00",
  "12",
  "2024",
  ".",
  ".",
  "-",
  "_",
  "+",
  "!",
  "v",
  "V",
  "a",
  "alpha",
  "alph",
  "b",
  "beta",
  "c",
  "rc",
  "r",
  "pre",
  "pr",
  "preview",
  "post",
  "pos",
  "rev",
  "re",
  "dev",
  "de",
  "DEV",
  "Post",
  "RC",
  "local",
  "x",
  "*",
  " ",
];

/**
 * A random string of version-grammar tokens (`1`, `.`, `post`, `pr`, `+`, ...):
 * explores the edges of the grammar where hand-written scanners go wrong.
 */
export function randomVersionSoup(random: Random): string {
  let text = random.chance(0.8) ? String(random.int(20)) : "";
  const count = 1 + random.int(7);
  for (let i = 0; i < count; i++) text += random.pick(SOUP_TOKENS);
  return text;
}

/** An operator (valid or not) followed by version soup, maybe with `.*`. */
export function randomSpecifierSoup(random: Random): string {
  let text = random.pick([...OPERATORS, ...OPERATORS, ...BAD_OPERATORS]) + maybeSpace(random);
  text += randomVersionSoup(random);
  if (random.chance(0.2)) text += ".*";
  return text + maybeSpace(random);
}
