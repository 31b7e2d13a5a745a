/**
 * Random markers and environments for the marker algebra's property and
 * differential tests. Markers are drawn from a small vocabulary so that the
 * same variables and values meet often (which is where simplification has
 * something to do); environments are those of real interpreters (a final
 * Python release, `python_version` its first two numbers).
 *
 * @module
 */

import type { MarkerEvaluationEnvironment } from "../../lib/pep508/mod.ts";
import type { Random } from "../helpers/random.ts";

/** A generated marker and whether every comparison in it has a PEP 508 negation. */
export interface GeneratedMarker {
  readonly text: string;
  /** False when it uses a comparison whose negation cannot be written (the printed form may be wider). */
  readonly exact: boolean;
}

const PYTHON_VERSIONS = ["2.7", "3", "3.8", "3.9", "3.10", "3.11", "3.12", "3.13", "4"];
const FULL_VERSIONS = ["3.8.0", "3.9.1", "3.10.0", "3.11.4", "3.12.0rc1", "3.12", "3.13.1.post1"];
const VERSION_OPERATORS = ["==", "!=", "<", "<=", ">", ">=", "~="];
const STRING_OPERATORS = ["==", "!=", "<", "<=", ">", ">="];
const STRINGS: Record<string, string[]> = {
  sys_platform: ["linux", "win32", "darwin"],
  os_name: ["posix", "nt"],
  implementation_name: ["cpython", "pypy"],
  platform_python_implementation: ["CPython", "PyPy"],
  platform_machine: ["x86_64", "aarch64", "AMD64"],
  platform_system: ["Linux", "Windows"],
};

function versionComparison(random: Random): GeneratedMarker {
  const full = random.chance(0.3);
  const variable = full ? "python_full_version" : "python_version";
  const op = random.pick(VERSION_OPERATORS);
  let value = random.pick(full ? FULL_VERSIONS : PYTHON_VERSIONS);
  if (op === "~=" && !value.includes(".")) value += ".0";
  if ((op === "==" || op === "!=") && random.chance(0.2) && !value.includes("rc")) value += ".*";
  if (random.chance(0.1)) {
    return { text: `"${value.replace(".*", "")}" ${op} ${variable}`, exact: op !== "~=" };
  }
  return { text: `${variable} ${op} "${value}"`, exact: true };
}

function stringComparison(random: Random): GeneratedMarker {
  const variable = random.pick(Object.keys(STRINGS));
  const value = random.pick(STRINGS[variable]!);
  const kind = random.int(0, 9);
  if (kind === 0) {
    const list = STRINGS[variable]!.slice(0, 2).join(" ");
    return { text: `${variable} ${random.pick(["in", "not in"])} "${list}"`, exact: true };
  }
  if (kind === 1) {
    return { text: `"${value}" ${random.pick(STRING_OPERATORS)} ${variable}`, exact: true };
  }
  return { text: `${variable} ${random.pick(STRING_OPERATORS)} "${value}"`, exact: true };
}

function otherComparison(random: Random): GeneratedMarker {
  switch (random.int(0, 5)) {
    case 0:
      return {
        text: `extra ${random.pick(["==", "!="])} "${random.pick(["test", "dev"])}"`,
        exact: true,
      };
    case 1:
      return {
        text: `"${random.pick(["test", "dev"])}" ${random.pick(["in", "not in"])} extras`,
        exact: true,
      };
    case 2:
      return {
        text: `platform_release ${random.pick(["==", "!="])} "${
          random.pick(["5.0", "6.1.0-18-amd64"])
        }"`,
        exact: false,
      };
    case 3:
      return { text: `platform_release >= "${random.pick(["5.0", "20"])}"`, exact: false };
    case 4:
      return {
        text: `implementation_version ${random.pick(VERSION_OPERATORS.slice(0, 6))} "${
          random.pick(["3.11", "7.3", "3.12.1"])
        }"`,
        exact: true,
      };
    default:
      return { text: `python_full_version === "3.11.4"`, exact: false };
  }
}

function comparison(random: Random): GeneratedMarker {
  const roll = random.next();
  if (roll < 0.4) return versionComparison(random);
  if (roll < 0.8) return stringComparison(random);
  return otherComparison(random);
}

/** A random marker: comparisons joined by `and`/`or`, some parenthesized. */
export function generateAlgebraMarker(random: Random, depth = 0): GeneratedMarker {
  const count = random.int(1, depth >= 2 ? 2 : 4);
  let text = "";
  let exact = true;
  for (let i = 0; i < count; i++) {
    const part = depth < 2 && random.chance(0.25)
      ? generateAlgebraMarker(random, depth + 1)
      : comparison(random);
    const wrapped = part.text.includes(" or ") || part.text.includes(" and ")
      ? `(${part.text})`
      : part.text;
    text += (i === 0 ? "" : random.pick([" and ", " or "])) + wrapped;
    exact &&= part.exact;
  }
  return { text, exact };
}

const PYTHONS = [
  "2.7.18",
  "3.7.0",
  "3.8.0",
  "3.8.10",
  "3.9.0",
  "3.9.1",
  "3.9.7",
  "3.10.0",
  "3.10.12",
  "3.11.0",
  "3.11.4",
  "3.12.0",
  "3.12.1",
  "3.13.0",
  "3.13.1",
  "3.14.2",
  "4.0.0",
];

/** A random environment of a real interpreter (a final Python release). */
export function generateEnvironment(random: Random): MarkerEvaluationEnvironment {
  const full = random.pick(PYTHONS);
  return {
    python_full_version: full,
    python_version: full.split(".").slice(0, 2).join("."),
    implementation_version: random.pick(["3.11.4", "7.3.12", "3.12.1", "3.12"]),
    sys_platform: random.pick([...STRINGS["sys_platform"]!, "cygwin"]),
    os_name: random.pick(STRINGS["os_name"]!),
    implementation_name: random.pick(STRINGS["implementation_name"]!),
    platform_python_implementation: random.pick(STRINGS["platform_python_implementation"]!),
    platform_machine: random.pick([...STRINGS["platform_machine"]!, "x86"]),
    platform_system: random.pick([...STRINGS["platform_system"]!, "Darwin"]),
    platform_release: random.pick(["5.0", "6.1.0-18-amd64", "22.6.0", "20"]),
    extra: random.pick(["", "test", "dev", "other"]),
    extras: random.pick([[], ["test"], ["dev", "test"]]),
    dependency_groups: [],
  };
}
