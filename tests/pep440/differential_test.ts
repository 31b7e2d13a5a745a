/**
 * Differential tests: thousands of generated versions, specifiers and
 * specifier sets run through dpip and through `packaging` 26.2 (one Python
 * process per batch); every observable result must be identical.
 */

import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { assertEquals } from "../helpers/assert.ts";
import {
  canonicalVersionText,
  parseSpecifier,
  parseSpecifierSet,
  tryParseVersion,
  type Version,
} from "../../lib/pep440/mod.ts";
import {
  hostileVersions,
  Random,
  randomNearVersion,
  randomSpecifier,
  randomSpecifierSet,
  randomSpecifierSoup,
  randomVersion,
  randomVersionNear,
  randomVersionSoup,
} from "./generate.ts";

const python = await oraclePython();
const ignore = skipUnless(python, "Python 3.11 with packaging 26.2");

/** The oracle: packaging's answers for every case, numbers as exact strings. */
const ORACLE = String.raw`
import json, sys
from packaging.version import Version
from packaging.specifiers import Specifier, SpecifierSet

def version(text):
    try:
        return Version(text)
    except Exception:
        return None

def usable(spec):
    # packaging accepts a few specifiers whose version it cannot parse; every
    # use of them then fails an assertion. dpip rejects them up front.
    if spec.operator == "===":
        return True
    text = spec.version[:-2] if spec.version.endswith(".*") else spec.version
    return version(text) is not None

def describe_version(text):
    v = version(text)
    if v is None:
        return None
    s = lambda n: None if n is None else str(n)
    return {
        "str": str(v), "epoch": str(v.epoch), "release": [str(n) for n in v.release],
        "pre": None if v.pre is None else [v.pre[0], str(v.pre[1])],
        "post": s(v.post), "dev": s(v.dev), "local": v.local,
        "public": v.public, "base": v.base_version,
        "flags": [v.is_prerelease, v.is_postrelease, v.is_devrelease],
        "mmm": [str(v.major), str(v.minor), str(v.micro)],
    }

def describe_specifier(text):
    try:
        spec = Specifier(text)
    except Exception:
        return None
    if not usable(spec):
        return None
    return {"str": str(spec), "op": spec.operator, "version": spec.version,
            "prereleases": spec.prereleases}

def make_set(text):
    try:
        result = SpecifierSet(text)
    except Exception:
        return None
    return result if all(usable(s) for s in result) else None

def describe_set(text):
    result = make_set(text)
    if result is None:
        return None
    items = [str(s) for s in result]
    return {"items": items, "str": str(result), "prereleases": bool(result.prereleases)}

def item(text, as_version):
    if as_version:
        v = version(text)
        if v is not None:
            return v
    return text

def show(x):
    return str(x) if isinstance(x, Version) else x

def contains(case):
    text, candidate, as_version = case
    target = make_set(text)
    if target is None:
        return "invalid"
    try:
        x = item(candidate, as_version)
        return [target.contains(x, prereleases=p) for p in (None, True, False)]
    except Exception as e:
        return "error: " + repr(e)

def spec_contains(case):
    text, candidate, as_version = case
    try:
        spec = Specifier(text)
    except Exception:
        return "invalid"
    if not usable(spec):
        return "invalid"
    try:
        x = item(candidate, as_version)
        return [spec.contains(x, prereleases=p) for p in (None, True, False)]
    except Exception as e:
        return "error: " + repr(e)

def filter_case(case):
    text, candidates, as_version = case
    target = make_set(text)
    if target is None:
        return "invalid"
    try:
        items = [item(c, as_version) for c in candidates]
        return [[show(x) for x in target.filter(items, prereleases=p)] for p in (None, True, False)]
    except Exception as e:
        return "error: " + repr(e)

data = json.load(sys.stdin)
parsed = [version(t) for t in data["sort"]]
valid = [i for i, v in enumerate(parsed) if v is not None]
json.dump({
    "versions": [describe_version(t) for t in data["versions"]],
    "order": sorted(valid, key=lambda i: parsed[i]),
    "equal": [parsed[i] == parsed[j] for i, j in zip(valid, valid[1:])],
    "specifiers": [describe_specifier(t) for t in data["specifiers"]],
    "sets": [describe_set(t) for t in data["sets"]],
    "contains": [contains(c) for c in data["contains"]],
    "spec_contains": [spec_contains(c) for c in data["spec_contains"]],
    "filters": [filter_case(c) for c in data["filters"]],
}, sys.stdout)
`;

interface VersionFacts {
  str: string;
  epoch: string;
  release: string[];
  pre: [string, string] | null;
  post: string | null;
  dev: string | null;
  local: string | null;
  public: string;
  base: string;
  flags: [boolean, boolean, boolean];
  mmm: [string, string, string];
}

interface OracleAnswers {
  versions: (VersionFacts | null)[];
  order: number[];
  equal: boolean[];
  specifiers: ({ str: string; op: string; version: string; prereleases: boolean | null } | null)[];
  sets: ({ items: string[]; str: string; prereleases: boolean } | null)[];
  contains: (boolean[] | string)[];
  spec_contains: (boolean[] | string)[];
  filters: (string[][] | string)[];
}

/** Numbers as Python prints them; huge ones compared the way our `number` fields hold them. */
function sameNumber(ours: number, theirs: string): boolean {
  return ours === Number(theirs);
}

function describeOurs(version: Version, facts: VersionFacts): string[] {
  const problems: string[] = [];
  const check = (what: string, ok: boolean, ours: unknown, theirs: unknown) => {
    if (!ok) {
      problems.push(`${what}: ours ${JSON.stringify(ours)}, packaging ${JSON.stringify(theirs)}`);
    }
  };
  check("str", String(version) === facts.str, String(version), facts.str);
  check("epoch", sameNumber(version.epoch, facts.epoch), version.epoch, facts.epoch);
  check(
    "release",
    version.release.length === facts.release.length &&
      version.release.every((n, i) => sameNumber(n, facts.release[i]!)),
    version.release,
    facts.release,
  );
  check(
    "pre",
    facts.pre === null
      ? version.pre === undefined
      : version.pre !== undefined && version.pre[0] === facts.pre[0] &&
        sameNumber(version.pre[1], facts.pre[1]),
    version.pre,
    facts.pre,
  );
  check(
    "post",
    facts.post === null ? version.post === undefined : sameNumber(version.post ?? -1, facts.post),
    version.post,
    facts.post,
  );
  check(
    "dev",
    facts.dev === null ? version.dev === undefined : sameNumber(version.dev ?? -1, facts.dev),
    version.dev,
    facts.dev,
  );
  check("local", (version.local ?? null) === facts.local, version.local, facts.local);
  check("public", version.public === facts.public, version.public, facts.public);
  check("base", version.baseVersion === facts.base, version.baseVersion, facts.base);
  const flags = [version.isPrerelease, version.isPostrelease, version.isDevrelease];
  check("flags", flags.every((f, i) => f === facts.flags[i]), flags, facts.flags);
  const mmm = [version.major, version.minor, version.micro];
  check("major/minor/micro", mmm.every((n, i) => sameNumber(n, facts.mmm[i]!)), mmm, facts.mmm);
  return problems;
}

/** Collects mismatches and fails with the first few, so one run shows the pattern. */
class Mismatches {
  readonly #lines: string[] = [];
  count = 0;
  add(what: string, input: unknown, detail: string): void {
    this.count++;
    if (this.#lines.length < 25) this.#lines.push(`${what} ${JSON.stringify(input)}: ${detail}`);
  }
  assertNone(checked: number): void {
    assertEquals(
      this.#lines,
      [],
      `${this.count} of ${checked} cases differ from packaging:\n${this.#lines.join("\n")}`,
    );
  }
}

function ourContains(setText: string, candidate: string, asVersion: boolean): boolean[] | string {
  let set;
  try {
    set = parseSpecifierSet(setText);
  } catch {
    return "invalid";
  }
  const item = asVersion ? tryParseVersion(candidate) ?? candidate : candidate;
  return [undefined, true, false].map((prereleases) => set.contains(item, { prereleases }));
}

function ourSpecContains(
  specText: string,
  candidate: string,
  asVersion: boolean,
): boolean[] | string {
  let spec;
  try {
    spec = parseSpecifier(specText);
  } catch {
    return "invalid";
  }
  const item = asVersion ? tryParseVersion(candidate) ?? candidate : candidate;
  return [undefined, true, false].map((prereleases) => spec.contains(item, { prereleases }));
}

function ourFilter(setText: string, candidates: string[], asVersion: boolean): string[][] | string {
  let set;
  try {
    set = parseSpecifierSet(setText);
  } catch {
    return "invalid";
  }
  const items = candidates.map((c) => asVersion ? tryParseVersion(c) ?? c : c);
  return [undefined, true, false].map((prereleases) =>
    set.filter(items, { prereleases }).map(String)
  );
}

Deno.test({
  name: "versions: validity, normalization, every field and the sort order match packaging",
  ignore,
  async fn() {
    const random = new Random(440);
    const versions: string[] = [];
    for (let i = 0; i < 4000; i++) versions.push(randomVersion(random));
    for (let i = 0; i < 4000; i++) versions.push(randomNearVersion(random));
    for (let i = 0; i < 6000; i++) versions.push(randomVersionSoup(random));
    versions.push(...hostileVersions(2000), ...hostileVersions(5000));
    versions.push("", " ", "v", "1.", ".1", "1..2", "1.0+", "1.0+a..b", "1!", "!1", "1.*", "٣");
    const sort: string[] = [];
    for (let i = 0; i < 6000; i++) {
      sort.push(random.chance(0.7) ? randomVersion(random) : randomVersionNear(random, "1.0 2.0"));
    }
    const answers = await runPythonJson<OracleAnswers>(python!, ORACLE, {
      versions,
      sort,
      specifiers: [],
      sets: [],
      contains: [],
      spec_contains: [],
      filters: [],
    });

    const mismatches = new Mismatches();
    let valid = 0;
    versions.forEach((text, i) => {
      const facts = answers.versions[i]!;
      const ours = tryParseVersion(text);
      const canonical = canonicalVersionText(text);
      if (canonical !== (facts === null ? undefined : facts.str)) {
        mismatches.add("canonical", text, `ours ${canonical}, packaging ${facts?.str}`);
      }
      if ((ours === undefined) !== (facts === null)) {
        mismatches.add("validity", text, `ours ${ours !== undefined}, packaging ${facts !== null}`);
        return;
      }
      if (ours === undefined || facts === null) return;
      valid++;
      for (const problem of describeOurs(ours, facts)) mismatches.add("version", text, problem);
    });
    mismatches.assertNone(versions.length);
    // Both sides must have generated plenty of each kind.
    assertEquals(valid > 4500 && versions.length - valid > 2000, true, `valid: ${valid}`);

    const parsed = sort.map((t) => tryParseVersion(t));
    const validIndices = sort.flatMap((_, i) => parsed[i] === undefined ? [] : [i]);
    const order = [...validIndices].sort((a, b) => parsed[a]!.compare(parsed[b]!));
    assertEquals(order, answers.order);
    const equal = validIndices.slice(1).map((j, k) => parsed[validIndices[k]!]!.equals(parsed[j]!));
    assertEquals(equal, answers.equal);
  },
});

Deno.test({
  name: "specifiers and sets: validity, str(), contains and filter match packaging",
  ignore,
  async fn() {
    const random = new Random(508);
    const specifiers: string[] = [];
    for (let i = 0; i < 3000; i++) specifiers.push(randomSpecifier(random));
    for (let i = 0; i < 3000; i++) specifiers.push(randomSpecifierSoup(random));
    specifiers.push(
      "~=1.0.poſt1",
      "~=1.0prıview1",
      "===",
      "=== ",
      "==1.0.*+abc",
      "== 1.0 .*",
      "==1.0.*.*",
      "",
      ">=1.0;",
      "===a)",
    );
    const sets: string[] = [];
    for (let i = 0; i < 2000; i++) sets.push(randomSpecifierSet(random));
    sets.push("", ",", " , ", ">=1,,<2", "==1.0,==1.0.0", "~=1.0,~=1.0.0", "===1.0,==1.0");
    const contains: [string, string, boolean][] = [];
    for (let i = 0; i < 15000; i++) {
      const set = random.pick(sets);
      contains.push([set, randomVersionNear(random, set), random.chance(0.3)]);
    }
    const specContains: [string, string, boolean][] = [];
    for (let i = 0; i < 6000; i++) {
      const spec = random.pick(specifiers);
      specContains.push([spec, randomVersionNear(random, spec), random.chance(0.3)]);
    }
    const filters: [string, string[], boolean][] = [];
    for (let i = 0; i < 2000; i++) {
      const set = random.pick(sets);
      const count = random.int(8);
      const candidates: string[] = [];
      for (let j = 0; j < count; j++) candidates.push(randomVersionNear(random, set));
      filters.push([set, candidates, random.chance(0.3)]);
    }
    const answers = await runPythonJson<OracleAnswers>(python!, ORACLE, {
      versions: [],
      sort: [],
      specifiers,
      sets,
      contains,
      spec_contains: specContains,
      filters,
    });

    const mismatches = new Mismatches();
    let validSpecifiers = 0;
    specifiers.forEach((text, i) => {
      const facts = answers.specifiers[i]!;
      let ours;
      try {
        ours = parseSpecifier(text);
      } catch {
        ours = undefined;
      }
      if ((ours === undefined) !== (facts === null)) {
        mismatches.add("specifier validity", text, `ours ${ours !== undefined}`);
        return;
      }
      if (ours === undefined || facts === null) return;
      validSpecifiers++;
      const mine = {
        str: String(ours),
        op: ours.operator,
        version: ours.version,
        prereleases: ours.prereleases ?? null,
      };
      if (JSON.stringify(mine) !== JSON.stringify(facts)) {
        mismatches.add(
          "specifier",
          text,
          `ours ${JSON.stringify(mine)}, packaging ${JSON.stringify(facts)}`,
        );
      }
    });
    let validSets = 0;
    sets.forEach((text, i) => {
      const facts = answers.sets[i]!;
      let ours;
      try {
        ours = parseSpecifierSet(text);
      } catch {
        ours = undefined;
      }
      if ((ours === undefined) !== (facts === null)) {
        mismatches.add("set validity", text, `ours ${ours !== undefined}`);
        return;
      }
      if (ours === undefined || facts === null) return;
      validSets++;
      const mine = {
        items: ours.specifiers.map(String),
        str: String(ours),
        prereleases: ours.prereleases,
      };
      if (JSON.stringify(mine) !== JSON.stringify(facts)) {
        mismatches.add(
          "set",
          text,
          `ours ${JSON.stringify(mine)}, packaging ${JSON.stringify(facts)}`,
        );
      }
    });
    let positives = 0;
    contains.forEach(([set, candidate, asVersion], i) => {
      const ours = ourContains(set, candidate, asVersion);
      const theirs = answers.contains[i]!;
      if (Array.isArray(ours) && ours[0]) positives++;
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        mismatches.add(
          "contains",
          [set, candidate, asVersion],
          `ours ${JSON.stringify(ours)}, packaging ${JSON.stringify(theirs)}`,
        );
      }
    });
    specContains.forEach(([spec, candidate, asVersion], i) => {
      const ours = ourSpecContains(spec, candidate, asVersion);
      const theirs = answers.spec_contains[i]!;
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        mismatches.add(
          "Specifier.contains",
          [spec, candidate, asVersion],
          `ours ${JSON.stringify(ours)}, packaging ${JSON.stringify(theirs)}`,
        );
      }
    });
    filters.forEach(([set, candidates, asVersion], i) => {
      const ours = ourFilter(set, candidates, asVersion);
      const theirs = answers.filters[i]!;
      if (JSON.stringify(ours) !== JSON.stringify(theirs)) {
        mismatches.add(
          "filter",
          [set, candidates, asVersion],
          `ours ${JSON.stringify(ours)}, packaging ${JSON.stringify(theirs)}`,
        );
      }
    });
    mismatches.assertNone(
      specifiers.length + sets.length + contains.length + specContains.length + filters.length,
    );
    assertEquals(
      validSpecifiers > 2000 && validSets > 800 && positives > 3000,
      true,
      `${validSpecifiers} ${validSets} ${positives}`,
    );
  },
});
