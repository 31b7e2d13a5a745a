/**
 * Times dpip's PEP 440 and PEP 508 hot paths and `packaging` 26.2 (in the oracle Python)
 * doing the same work on the same inputs, and prints them side by side.
 *
 *     deno run -A scripts/bench_packaging.ts [--rounds 5] [--passes 3]
 *
 * Each operation runs several rounds, in passes that alternate between dpip
 * and packaging; each side's fastest round counts (the least disturbed by
 * other load). Both sides keep their usual caches: packaging
 * caches each Version's comparison key; dpip also caches parsed versions.
 */

import { parseArgs } from "node:util";
import {
  compareVersions,
  parseSpecifierSet,
  parseVersion,
  type Version,
} from "../lib/pep440/mod.ts";
import { parseRequirement } from "../lib/pep508/mod.ts";
import { benchmarkInputs } from "../tests/pep440/generate.ts";
import { benchmarkRequirements } from "../tests/pep508/generators.ts";
import { oraclePython, runPythonJson } from "../tests/helpers/python.ts";

const PYTHON_BENCH = String.raw`
import json, sys, time
from packaging.version import Version
from packaging.specifiers import SpecifierSet
from packaging.requirements import Requirement
import packaging

data = json.load(sys.stdin)
rounds = data["rounds"]
versions = data["versions"]
pairs = data["pairs"]
requirements = data["requirements"]
repeated = versions[:1000]

def best(fn):
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return min(times)

parsed = [Version(v) for v in versions]
sets = {}
for text, _ in pairs:
    if text not in sets:
        sets[text] = SpecifierSet(text)
set_pairs = [(sets[text], version) for text, version in pairs]

def contains():
    for s, v in set_pairs:
        s.contains(v)

json.dump({
    "packaging": packaging.__version__,
    "python": sys.version.split()[0],
    "parse": best(lambda: [Version(v) for v in versions]),
    "parse_repeated": best(lambda: [Version(repeated[i % 1000]) for i in range(100000)]),
    "sort": best(lambda: sorted(parsed)),
    "contains": best(contains),
    "requirements": best(lambda: [Requirement(r) for r in requirements]),
}, sys.stdout)
`;

function best(rounds: number, fn: () => void): number {
  let fastest = Infinity;
  for (let i = 0; i < rounds; i++) {
    const start = performance.now();
    fn();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return fastest;
}

const { values } = parseArgs({
  args: Deno.args,
  options: { rounds: { type: "string" }, passes: { type: "string" } },
});
const rounds = Number(values.rounds ?? 5);
const passes = Number(values.passes ?? 3);
const python = await oraclePython();
if (python === undefined) throw new Error("needs a Python with packaging installed");

const { versions, pairs } = benchmarkInputs();
const repeated = versions.slice(0, 1000);
const parsed: Version[] = versions.map(parseVersion);
const sets = pairs.map(([set]) => parseSpecifierSet(set));
const requirements = benchmarkRequirements(10_000);

type Timings = Record<"parse" | "parse_repeated" | "sort" | "contains" | "requirements", number>;

function timeOurs(): Timings {
  return {
    parse: best(rounds, () => {
      for (let i = 0; i < versions.length; i++) parseVersion(versions[i]!);
    }),
    parse_repeated: best(rounds, () => {
      for (let i = 0; i < 100_000; i++) parseVersion(repeated[i % 1000]!);
    }),
    sort: best(rounds, () => {
      [...parsed].sort(compareVersions);
    }),
    contains: best(rounds, () => {
      for (let i = 0; i < pairs.length; i++) sets[i]!.contains(pairs[i]![1]);
    }),
    requirements: best(rounds, () => {
      for (let i = 0; i < requirements.length; i++) parseRequirement(requirements[i]!);
    }),
  };
}

// Alternate the two sides a few times and keep each side's best, so a burst
// of load on a shared machine does not favour either.
let ours: Timings | undefined;
let theirs: (Timings & { packaging: string; python: string }) | undefined;
for (let i = 0; i < passes; i++) {
  const mine = timeOurs();
  const other = await runPythonJson<Timings & { packaging: string; python: string }>(
    python,
    PYTHON_BENCH,
    { rounds, versions, pairs, requirements },
  );
  ours = ours === undefined ? mine : minimum(ours, mine);
  theirs = theirs === undefined ? other : { ...other, ...minimum(theirs, other) };
}

function minimum(a: Timings, b: Timings): Timings {
  return {
    parse: Math.min(a.parse, b.parse),
    parse_repeated: Math.min(a.parse_repeated, b.parse_repeated),
    sort: Math.min(a.sort, b.sort),
    contains: Math.min(a.contains, b.contains),
    requirements: Math.min(a.requirements, b.requirements),
  };
}

if (ours === undefined || theirs === undefined) throw new Error("--passes must be at least 1");
const rows: [string, keyof Timings][] = [
  ["parse 100,000 versions (distinct)", "parse"],
  ["parse 100,000 versions (1,000 distinct)", "parse_repeated"],
  ["sort 100,000 parsed versions", "sort"],
  ["contains: 100,000 version/set pairs", "contains"],
  ["parse 10,000 requirements (PEP 508)", "requirements"],
];
const lines = [
  `dpip (Deno ${Deno.version.deno}) vs packaging ${theirs.packaging} (Python ${theirs.python}), ` +
  `best of ${passes} passes × ${rounds} rounds`,
  "",
  "| operation | dpip | packaging | dpip is |",
  "| --- | ---: | ---: | ---: |",
  ...rows.map(([label, key]) =>
    `| ${label} | ${ours[key].toFixed(1)} ms | ${theirs[key].toFixed(1)} ms | ${
      (theirs[key] / ours[key]).toFixed(1)
    }× faster |`
  ),
];
// deno-lint-ignore no-console
console.log(lines.join("\n"));
