import {
  InvalidPythonVersionError,
  parsePythonVersionOption,
  type TargetOptions,
  targetPythonVersion,
  targetTags,
} from "../../lib/index/target_tags.ts";
import { findInterpreter } from "../../lib/python/mod.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { oraclePython, pyenvPython, runPythonJson, skipUnless } from "../helpers/python.ts";

Deno.test("parsePythonVersionOption() reads pip's forms", () => {
  assertEquals(parsePythonVersionOption("3"), [3]);
  assertEquals(parsePythonVersionOption("312"), [3, 12]);
  assertEquals(parsePythonVersionOption("3.12"), [3, 12]);
  assertEquals(parsePythonVersionOption("3.9.1"), [3, 9, 1]);
  const error = assertThrows(() => parsePythonVersionOption("three"), InvalidPythonVersionError);
  assertEquals(
    error.message,
    'Invalid --python-version "three": expected a version such as 3, 3.12 or 312',
  );
  assertEquals(targetPythonVersion([3, 11, 7], {}), [3, 11, 7]);
  assertEquals(targetPythonVersion([3, 11, 7], { pythonVersion: "3.9" }), [3, 9, 0]);
});

const ORACLE = String.raw`
import json, sys
from pip._internal.utils.compatibility_tags import get_supported
out = []
for case in json.load(sys.stdin):
    tags = get_supported(version=case.get("version"), platforms=case.get("platforms"),
                         impl=case.get("impl"), abis=case.get("abis"))
    out.append([str(t) for t in tags])
print(json.dumps(out))
`;

const CASES: TargetOptions[] = [
  { pythonVersion: "3.12" },
  { pythonVersion: "3.8", platforms: ["manylinux2014_x86_64"] },
  { platforms: ["manylinux2010_i686", "linux_i686"] },
  { platforms: ["macosx_11_0_arm64"], pythonVersion: "3.10" },
  { platforms: ["win_amd64"], pythonVersion: "3.12", implementation: "cp", abis: ["cp312"] },
  { platforms: ["musllinux_1_1_x86_64"], abis: ["abi3", "none"] },
  {
    implementation: "pp",
    pythonVersion: "3.9",
    platforms: ["manylinux_2_17_x86_64"],
    abis: ["pypy39_pp73"],
  },
  { implementation: "py", pythonVersion: "3" },
  { pythonVersion: "3" },
];

/** Non-CPython targets without --abi take the host's ABI: pip 24 reads it from EXT_SUFFIX, pip 23 from SOABI. */
const GENERIC_WITHOUT_ABI = (c: TargetOptions) =>
  c.implementation !== undefined && c.implementation !== "cp" && c.abis === undefined;

async function compareWithPip(python: string, cases: readonly TargetOptions[]): Promise<void> {
  const interpreter = await findInterpreter({
    python,
    env: { PATH: Deno.env.get("PATH") ?? "" },
    cwd: "/",
    invokedAs: "dpip",
    cacheRoot: false,
  });
  const expected = await runPythonJson<string[][]>(
    python,
    ORACLE,
    cases.map((c) => ({
      ...(c.pythonVersion === undefined ? {} : { version: c.pythonVersion.replace(".", "") }),
      ...(c.platforms === undefined ? {} : { platforms: c.platforms }),
      ...(c.implementation === undefined ? {} : { impl: c.implementation }),
      ...(c.abis === undefined ? {} : { abis: c.abis }),
    })),
  );
  for (const [i, target] of cases.entries()) {
    assertEquals(
      targetTags(interpreter.tagFacts, target).map(String),
      expected[i],
      JSON.stringify(target),
    );
  }
}

const python311 = await oraclePython();
const python313 = await pyenvPython("3.13");

Deno.test({
  name: "targetTags() gives pip 23.2.1's get_supported() list (Python 3.11)",
  ignore: skipUnless(python311, "Python 3.11 with pip"),
  fn: () => compareWithPip(python311 ?? "", CASES.filter((c) => !GENERIC_WITHOUT_ABI(c))),
});

Deno.test({
  name: "targetTags() gives pip 24.2's get_supported() list (Python 3.13)",
  ignore: skipUnless(python313, "Python 3.13 with pip"),
  fn: () => compareWithPip(python313 ?? "", CASES),
});
