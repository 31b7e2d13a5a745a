/**
 * Differential tests: generated requirements and markers go through
 * packaging 26.2 (one Python process per batch) and through dpip, and every
 * accept/reject decision, normalized string, field and evaluation result must
 * agree.
 */

import {
  DEFAULT_MARKER_ENVIRONMENT,
  type Marker,
  type MarkerEvaluationEnvironment,
  parseMarker,
  parseRequirement,
  UndefinedComparisonError,
  UndefinedEnvironmentNameError,
} from "../../lib/pep508/mod.ts";
import { assertEquals } from "../helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";
import {
  damage,
  generateMarker,
  generateRequirement,
  hostileInputs,
  trickyInputs,
} from "./generators.ts";
import { Random } from "../helpers/random.ts";

/** Environments each marker is evaluated in (missing keys take the defaults). */
const ENVIRONMENTS: MarkerEvaluationEnvironment[] = [
  {},
  { python_version: "3.10", python_full_version: "3.10.12", extra: "Foo_Bar" },
  {
    python_version: "3.9",
    python_full_version: "3.9.0rc1",
    implementation_version: "3.9.0rc1",
    sys_platform: "win32",
    os_name: "nt",
    platform_system: "Windows",
    platform_machine: "AMD64",
    platform_release: "10",
    extra: "test",
  },
  {
    python_version: "2.7",
    python_full_version: "2.7.18+",
    platform_python_implementation: "PyPy",
    implementation_name: "pypy",
    implementation_version: "7.3.9",
    sys_platform: "darwin",
    platform_release: "22.1.0",
    extra: "",
  },
  { extras: ["Foo_Bar", "test"], dependency_groups: ["dev"], extra: "a" },
  {
    python_version: "3.13",
    python_full_version: "3.13.0a1",
    platform_version: "#1 SMP",
    extra: "security",
  },
];

/** The extras each marker is also evaluated with, pip-style (any extra matches). */
const EXTRA_SETS: string[][] = [[], ["Foo_Bar", "test"], ["security"]];

type Outcome = boolean | "comparison" | "name" | string;

interface MarkerResult {
  ok: boolean;
  str?: string;
  evaluations?: Outcome[];
  withExtras?: Outcome[];
  error?: string;
}

interface RequirementResult extends MarkerResult {
  name?: string;
  extras?: string[];
  specifier?: string;
  url?: string | null;
  marker?: string | null;
}

const ORACLE = `
import json, sys
from packaging.requirements import Requirement
from packaging.version import InvalidVersion, Version
from packaging.markers import Marker, UndefinedComparison, UndefinedEnvironmentName, _normalize_extras

data = json.load(sys.stdin)
envs = []
for env in data["environments"]:
    full = dict(data["defaults"])
    full.update(env)
    for key in ("extras", "dependency_groups"):
        if key in full:
            full[key] = frozenset(full[key])
    envs.append(full)

def outcome(fn):
    try:
        return fn()
    except (UndefinedComparison, AssertionError):
        return "comparison"
    except (KeyError, UndefinedEnvironmentName):
        return "name"
    except Exception as e:
        return "other:" + type(e).__name__

def with_extras(marker, extras):
    base = dict(envs[0])
    if not extras:
        return marker.evaluate(dict(base, extra=""))
    return any(marker.evaluate(dict(base, extra=e)) for e in extras)

def normalize_nested(markers):
    # packaging 26.2 normalizes extra names only in top-level comparisons and
    # then compares extra values as they are, so "(extra == 'Foo_Bar')" never
    # matches; dpip (like packaging <= 25 and PEP 685) normalizes every
    # comparison with extra. Evaluate with packaging's own normalization
    # applied at every depth.
    return [normalize_nested(m) if isinstance(m, list) else _normalize_extras(m) for m in markers]

def evaluate(parsed):
    marker = Marker.__new__(Marker)
    marker._markers = normalize_nested(parsed._markers)
    return {
        "evaluations": [outcome(lambda: marker.evaluate(env)) for env in envs],
        "withExtras": [outcome(lambda: with_extras(marker, s)) for s in data["extraSets"]],
    }

def run_marker(text):
    try:
        m = Marker(text)
    except Exception as e:
        return {"ok": False, "error": type(e).__name__}
    out = {"ok": True, "str": str(m)}
    out.update(evaluate(m))
    return out

def run_requirement(text):
    try:
        r = Requirement(text)
    except Exception as e:
        return {"ok": False, "error": type(e).__name__}
    for spec in r.specifier:
        if spec.operator != "===":
            try:
                Version(spec.version[:-2] if spec.version.endswith(".*") else spec.version)
            except InvalidVersion:
                # The tokenizer's case-insensitive pattern folds "ı" to "i" and "ſ"
                # to "s" ("~=1.0poſt1"), so packaging accepts a specifier it then
                # cannot compare or format. dpip rejects these.
                return {"ok": True, "broken": "InvalidVersion"}
    try:
        out = {
            "ok": True,
            "str": str(r),
            "name": r.name,
            "extras": sorted(r.extras),
            "specifier": str(r.specifier),
            "url": r.url,
            "marker": None if r.marker is None else str(r.marker),
        }
    except Exception as e:
        # packaging accepted a specifier it cannot format (e.g. "~=1.0poſt1,>=1").
        return {"ok": True, "broken": type(e).__name__}
    if r.marker is not None:
        out.update(evaluate(r.marker))
    return out

print(json.dumps({
    "markers": [run_marker(t) for t in data["markers"]],
    "requirements": [run_requirement(t) for t in data["requirements"]],
}))
`;

function outcome(fn: () => boolean): Outcome {
  try {
    return fn();
  } catch (error) {
    if (error instanceof UndefinedComparisonError) return "comparison";
    if (error instanceof UndefinedEnvironmentNameError) return "name";
    return "other:" + (error as Error).name;
  }
}

function evaluations(marker: Marker): Pick<MarkerResult, "evaluations" | "withExtras"> {
  return {
    evaluations: ENVIRONMENTS.map((env) => outcome(() => marker.evaluate(env))),
    withExtras: EXTRA_SETS.map((extras) => outcome(() => marker.evaluateWithExtras({}, extras))),
  };
}

function runMarker(text: string): MarkerResult {
  let marker: Marker;
  try {
    marker = parseMarker(text);
  } catch {
    return { ok: false };
  }
  return { ok: true, str: String(marker), ...evaluations(marker) };
}

function runRequirement(text: string): RequirementResult {
  try {
    const requirement = parseRequirement(text);
    const marker = requirement.marker;
    return {
      ok: true,
      str: String(requirement),
      name: requirement.name,
      extras: [...requirement.extras],
      specifier: String(requirement.specifier),
      url: requirement.url ?? null,
      marker: marker === undefined ? null : String(marker),
      ...(marker === undefined ? {} : evaluations(marker)),
    };
  } catch {
    return { ok: false };
  }
}

function compare<T extends MarkerResult>(
  kind: string,
  inputs: string[],
  expected: T[],
  run: (text: string) => T,
): { checked: number; valid: number } {
  let valid = 0;
  inputs.forEach((text, i) => {
    const want = { ...expected[i] } as T;
    const label = `${kind} ${JSON.stringify(text.length > 300 ? text.slice(0, 300) + "…" : text)}`;
    const actual = run(text);
    if (!want.ok) {
      assertEquals(actual.ok, false, `${label} should be rejected (packaging: ${want.error})`);
      return;
    }
    if ("broken" in want) {
      assertEquals(actual.ok, false, `${label} should be rejected (packaging cannot use it)`);
      return;
    }
    valid++;
    assertEquals(actual, want, label);
  });
  return { checked: inputs.length, valid };
}

const python = await oraclePython();

async function differential(seed: number, count: { requirements: number; markers: number }) {
  const random = new Random(seed);
  const requirements: string[] = [];
  const markers: string[] = [];
  for (let i = 0; i < count.requirements; i++) {
    const text = generateRequirement(random);
    requirements.push(random.chance(0.3) ? damage(random, text) : text);
  }
  for (let i = 0; i < count.markers; i++) {
    const text = generateMarker(random);
    markers.push(random.chance(0.3) ? damage(random, text) : text);
  }
  for (const extra of [hostileInputs(), trickyInputs()]) {
    requirements.push(...extra.requirements);
    markers.push(...extra.markers);
  }
  const expected = await runPythonJson<
    { markers: MarkerResult[]; requirements: RequirementResult[] }
  >(python!, ORACLE, {
    defaults: DEFAULT_MARKER_ENVIRONMENT,
    environments: ENVIRONMENTS,
    extraSets: EXTRA_SETS,
    markers,
    requirements,
  });
  const markerStats = compare("marker", markers, expected.markers, runMarker);
  const requirementStats = compare(
    "requirement",
    requirements,
    expected.requirements,
    runRequirement,
  );
  // The generator must exercise both outcomes in earnest.
  for (const stats of [markerStats, requirementStats]) {
    assertEquals(stats.valid > stats.checked * 0.3 && stats.valid < stats.checked * 0.95, true);
  }
}

Deno.test({
  name: "requirements and markers agree with packaging 26.2 (seed 1: 4,000 + 3,000 cases)",
  ignore: skipUnless(python, "Python 3.11 with packaging"),
  fn: () => differential(1, { requirements: 4000, markers: 3000 }),
});

Deno.test({
  name: "requirements and markers agree with packaging 26.2 (seed 2: 4,000 + 3,000 cases)",
  ignore: skipUnless(python, "Python 3.11 with packaging"),
  fn: () => differential(2, { requirements: 4000, markers: 3000 }),
});
