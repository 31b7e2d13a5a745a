/**
 * The `lock`-mode (universal) and `compile`-mode packse scenarios. A lock
 * scenario, or a compile one that asks for `--universal`, goes through
 * dpip's universal resolution; a compile scenario for one target Python
 * (uv's `pip compile --python-version X`) is resolved for Python `X.0` alone,
 * as `dpip compile --python` resolves for its one interpreter (dpip takes
 * `--python-version` only with `--universal`). Each runs against an
 * in-memory index built from the scenario. packse states only whether each
 * succeeds; the packages, versions and markers required here are those of
 * uv's lock or compile output for the scenario (its tests' snapshots). Scenarios where dpip differs from
 * uv are listed in KNOWN_DIFFERENCES with why, and dpip's own outcome is
 * required for them (so a change is seen).
 */

import { MarkerSet } from "../../lib/pep508/marker_algebra.ts";
import { inMemoryProvider } from "../../lib/resolver/in_memory_provider.ts";
import { ResolutionImpossibleError } from "../../lib/resolver/mod.ts";
import { resolveUniversal } from "../../lib/resolver/universal.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { skipUnless } from "../helpers/python.ts";
import { loadScenarios, resolveScenario, type Scenario, universalScenarioIndex } from "./packse.ts";

const scenarios = await loadScenarios();
/** The `lock` scenarios and the `compile` ones. */
const lockScenarios = (scenarios ?? []).filter((scenario) =>
  scenario.mode === "lock" || scenario.mode === "compile"
);

/** Whether a scenario resolves universally: every lock one, and a compile one with `--universal`. */
function isUniversal(scenario: Scenario): boolean {
  return scenario.mode === "lock" || scenario.resolver_options.universal === true;
}

/**
 * The Pythons a universal scenario covers: its project's Requires-Python, or
 * (compile with `--universal`) from its target Python up.
 */
function pythonsOf(scenario: Scenario): string {
  const target = scenario.resolver_options.python;
  if (scenario.mode === "compile" && target) return `>=${target}`;
  return scenario.root.requires_python ?? ">=3.12";
}

/** `short-name version` → marker (`""`: everywhere); or `"fails"`. */
type Outcome = Record<string, string> | "fails";

const EXPECTED: Record<string, Outcome> = {
  // a 2.0.0 rejects every b 2.x at once; five such rejections put b first (uv's conflict tracker).
  "wrong-backtracking-basic": { "a 1.0.0": "", "b 2.0.9": "" },
  "conflict-in-fork": "fails",
  "fork-allows-non-conflicting-repeated-dependencies": { "a 1.0.0": "" },
  "fork-conflict-unsatisfiable": "fails",
  "fork-incomplete-markers": {
    "a 1.0.0": 'python_version < "3.13"',
    "a 2.0.0": 'python_version >= "3.14"',
    "b 1.0.0": "",
    "c 1.0.0": 'python_version == "3.13"',
  },
  "fork-marker-disjoint": "fails",
  "fork-marker-inherit-combined": {
    "a 1.0.0": 'sys_platform == "darwin"',
    "a 2.0.0": 'sys_platform == "linux"',
    "b 1.0.0": 'implementation_name == "pypy" and sys_platform == "darwin"',
    "b 2.0.0": 'implementation_name == "cpython" and sys_platform == "darwin"',
  },
  "fork-marker-inherit-combined-disallowed": {
    "a 1.0.0": 'sys_platform == "darwin"',
    "a 2.0.0": 'sys_platform == "linux"',
    "b 1.0.0": 'implementation_name == "pypy" and sys_platform == "darwin"',
    "b 2.0.0": 'implementation_name == "cpython" and sys_platform == "darwin"',
  },
  "fork-marker-inherit-transitive": {
    "a 1.0.0": 'sys_platform == "darwin"',
    "a 2.0.0": 'sys_platform == "linux"',
    "b 1.0.0": 'sys_platform == "darwin"',
    "c 1.0.0": 'sys_platform == "darwin"',
  },
  "fork-marker-selection": {
    "a 0.1.0": "",
    "b 1.0.0": 'sys_platform == "darwin"',
    "b 2.0.0": 'sys_platform == "linux"',
  },
  "fork-non-fork-marker-transitive": {
    "a 1.0.0": "",
    "b 1.0.0": "",
    "c 2.0.0": 'sys_platform == "darwin" or sys_platform == "linux"',
  },
  "fork-non-local-fork-marker-transitive": "fails",
  "fork-remaining-universe-partitioning": {
    "a 1.0.0": 'sys_platform == "illumos"',
    "a 2.0.0": 'sys_platform == "windows"',
    "b 1.0.0": 'os_name == "darwin" and sys_platform == "illumos"',
    "b 2.0.0": 'os_name == "linux" and sys_platform == "illumos"',
  },
  "fork-requires-python-full": {},
  "fork-requires-python-patch-overlap": { "a 1.0.0": 'python_version < "3.11"' },
  "preferences-dependent-forking": {
    "bar 1.0.0": "",
    "cleaver 1.0.0": "",
    "foo 1.0.0": 'sys_platform == "linux"',
    "foo 2.0.0": 'sys_platform != "linux"',
  },
  "marker-variants-have-different-extras": {
    "psycopg 1.0.0": "",
    "psycopg-binary 1.0.0":
      'implementation_name != "pypy" and platform_python_implementation != "PyPy"',
    "tzdata 1.0.0": 'sys_platform == "win32"',
  },
  "unreachable-package": { "a 1.0.0": 'sys_platform == "win32"' },
  "virtual-package-extra-priorities": { "a 1.0.0": "", "b 1.0.0": "" },
  "requires-python-subset": { "win-only 1.0.0": 'sys_platform == "win32"' },
  // compile mode: a 1.0.0 needs 3.10, the target is 3.9.
  "compatible-python-incompatible-override": "fails",
  // compile mode: a 1.0.0 needs 3.9.4; 3.9 means 3.9.0 and up, so 3.9.0 to 3.9.3 have no a.
  "python-patch-override-no-patch": "fails",
  // compile mode: only an sdist, for 3.10 and up; the target 3.11 can use it.
  "incompatible-python-compatible-override-available-no-wheels": { "a 1.0.0": "" },
  // compile mode for 3.11: a 2.0.0 (a wheel) needs 3.12, so a 1.0.0 (an sdist, for 3.10 and up).
  "incompatible-python-compatible-override-other-wheel": { "a 1.0.0": "" },
  // uv's fresh lock (see UVS_OUTCOME_NOT_PACKSES): the fork cleaver 2 caused is kept.
  "preferences-dependent-forking-conflicting": {
    "bar 1.0.0": 'sys_platform != "linux"',
    "bar 2.0.0": 'sys_platform == "linux"',
    "cleaver 1.0.0": "",
    "foo 1.0.0": 'sys_platform == "linux"',
    "foo 2.0.0": 'sys_platform != "linux"',
  },
};

/**
 * Scenarios where uv's own test of the scenario does not give packse's
 * expected outcome, and dpip gives uv's: why.
 */
const UVS_OUTCOME_NOT_PACKSES: Record<string, string> = {
  "preferences-dependent-forking-conflicting":
    "packse expects failure, which its description gives for a second lock that starts from " +
    "the first lock's cleaver 1 as a preference (cleaver 1 without forking needs foo 1 and " +
    "bar 1, and foo 1 needs bar 2); a fresh lock, which is what uv's test of the scenario runs " +
    "and what this test runs, forks on cleaver 2, rejects it, and resolves cleaver 1 in each " +
    "fork: uv's test expects success with 6 packages (the project, cleaver 1, foo 1 and 2, bar " +
    "1 and 2), as dpip gives",
};

/** Where dpip's outcome is not uv's: why, and dpip's outcome. */
const KNOWN_DIFFERENCES: Record<string, { why: string; dpip: Outcome }> = {};

/** `short-name version` of a scenario's package. */
function shortLabel(scenario: Scenario, dist: { name: string; version: string }): string {
  return `${dist.name.slice(scenario.name.length + 1)} ${dist.version}`;
}

async function outcomeOf(scenario: Scenario): Promise<Outcome> {
  if (!isUniversal(scenario)) {
    const outcome = await resolveScenario(scenario);
    if ("failure" in outcome) return "fails";
    // One target: no markers.
    return Object.fromEntries(
      outcome.resolution.dists.map((dist) => [shortLabel(scenario, dist), ""]),
    );
  }
  try {
    const resolution = await resolveUniversal(
      { requirements: scenario.root.requires_prefixed },
      {
        provider: inMemoryProvider(universalScenarioIndex(scenario)),
        requiresPython: pythonsOf(scenario),
        prerelease: scenario.resolver_options.prereleases ? "allow" : "if-necessary-or-explicit",
      },
    );
    return Object.fromEntries(
      resolution.dists.map((dist) => [shortLabel(scenario, dist), String(dist.marker)]),
    );
  } catch (error) {
    if (error instanceof ResolutionImpossibleError) return "fails";
    throw error;
  }
}

Deno.test({
  name:
    "packse lock and compile scenarios: each has an expectation, agreeing with packse's unless uv's or a known difference",
  ignore: skipUnless(scenarios, "../shared/packse/scenarios.json"),
  fn() {
    assert(lockScenarios.length > 0);
    for (const scenario of lockScenarios) {
      if (scenario.name in KNOWN_DIFFERENCES) continue;
      const expected = EXPECTED[scenario.name];
      assert(expected !== undefined, `no expectation for ${scenario.name}`);
      const uvsOwn = scenario.name in UVS_OUTCOME_NOT_PACKSES;
      assertEquals(expected !== "fails", scenario.expected.satisfiable !== uvsOwn, scenario.name);
    }
  },
});

for (const scenario of lockScenarios) {
  const known = KNOWN_DIFFERENCES[scenario.name];
  const label = known === undefined ? "" : " (known difference from uv)";
  const how = isUniversal(scenario) ? "universal" : "compile";
  Deno.test(`packse ${how} ${scenario.category}/${scenario.name}${label}`, async () => {
    const expected = known?.dpip ?? EXPECTED[scenario.name];
    assert(expected !== undefined, `no expectation for ${scenario.name}`);
    assertEquals(await outcomeOf(scenario), expected);
  });
}

Deno.test({
  name: "packse universal: the forks of fork-marker-selection are uv's, in uv's order",
  ignore: skipUnless(scenarios, "../shared/packse/scenarios.json"),
  async fn() {
    const scenario = lockScenarios.find((one) => one.name === "fork-marker-selection")!;
    const resolution = await resolveUniversal(
      { requirements: scenario.root.requires_prefixed },
      {
        provider: inMemoryProvider(universalScenarioIndex(scenario)),
        requiresPython: ">=3.12",
      },
    );
    const python = MarkerSet.requiresPython(">=3.12");
    assertEquals(resolution.forks.map((fork) => String(fork.marker.assumingPython(python))), [
      'sys_platform == "darwin"',
      'sys_platform == "linux"',
      'sys_platform != "darwin" and sys_platform != "linux"',
    ]);
  },
});
