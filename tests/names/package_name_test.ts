import {
  canonicalizeExtra,
  canonicalizeName,
  InvalidNameError,
  isNormalizedName,
  isValidName,
  parsePackageName,
} from "../../lib/names/mod.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { oraclePython, runPythonJson, skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

Deno.test("canonicalizeName() lowercases and folds separator runs (PEP 503)", () => {
  const cases: [string, string][] = [
    ["Django", "django"],
    ["oslo.concurrency", "oslo-concurrency"],
    ["Foo__Bar", "foo-bar"],
    ["a-_.-b", "a-b"],
    ["-leading_and_trailing.", "-leading-and-trailing-"],
    ["", ""],
    ["...", "-"],
    ["ÄBC", "äbc"],
  ];
  for (const [input, expected] of cases) assertEquals(canonicalizeName(input), expected, input);
});

Deno.test("canonicalizeExtra() folds like package names (PEP 685)", () => {
  assertEquals(canonicalizeExtra("Test_All.Extra"), "test-all-extra");
});

Deno.test("isValidName() follows the core metadata Name rule", () => {
  const cases: [string, boolean][] = [
    ["a", true],
    ["A1", true],
    ["zope.interface", true],
    ["foo_bar-baz", true],
    ["a..b", true],
    ["", false],
    ["-a", false],
    ["a-", false],
    ["a.", false],
    ["_a", false],
    ["a b", false],
    ["café", false],
    ["a!", false],
  ];
  for (const [input, expected] of cases) assertEquals(isValidName(input), expected, input);
});

Deno.test("isNormalizedName() agrees with packaging's pattern", () => {
  const cases: [string, boolean][] = [
    ["requests", true],
    ["foo-bar", true],
    ["a", true],
    ["a--b", true],
    ["ab--c", false],
    ["a---b", false],
    ["Foo", false],
    ["foo_bar", false],
    ["foo.bar", false],
    ["-foo", false],
    ["foo-", false],
    ["", false],
  ];
  for (const [input, expected] of cases) assertEquals(isNormalizedName(input), expected, input);
});

Deno.test("parsePackageName() validates then normalizes", () => {
  assertEquals(parsePackageName("Foo_Bar"), "foo-bar");
  assertEquals(parsePackageName("X"), "x");
});

Deno.test("parsePackageName() rejects bad names with one-line messages", () => {
  const cases: [string, string][] = [
    ["", 'Invalid package name "": a name cannot be empty'],
    [
      "-foo",
      'Invalid package name "-foo": names must start with an ASCII letter or digit, not "-" (position 0)',
    ],
    [
      "foo.",
      'Invalid package name "foo.": names must end with an ASCII letter or digit, not "." (position 3)',
    ],
    [
      "foo bar",
      'Invalid package name "foo bar": unexpected " " at position 3; names contain only ASCII letters, digits, ".", "_" and "-"',
    ],
    [
      "café",
      'Invalid package name "café": names must end with an ASCII letter or digit, not "é" (position 3)',
    ],
  ];
  for (const [input, message] of cases) {
    const error = assertThrows(() => parsePackageName(input), InvalidNameError);
    assertEquals(error.message, message);
    assertEquals(error.code, "invalid-name");
    assertEquals(error.input, input);
  }
});

// Their cost, linear in the length, is checked in tests/fuzz/hostile_growth_test.ts.
Deno.test("name functions answer right on 100 KB inputs", () => {
  const long = "a" + "._-".repeat(33_000) + "!";
  assertEquals(isValidName(long), false);
  assertEquals(isNormalizedName(long), false);
  assertEquals(canonicalizeName(long), "a-!");
  assertThrows(() => parsePackageName(long), InvalidNameError);
});

/** Random names mixing valid characters, separators, case and some invalid characters. */
function generateNames(count: number): string[] {
  const random = new Random(0x5eed_0503);
  const names: string[] = [];
  const pieces = [
    "a",
    "Z",
    "0",
    "9",
    "-",
    "_",
    ".",
    "--",
    "-_.",
    "foo",
    "Bar",
    " ",
    "!",
    "é",
    "İ",
    "Σ",
    "ẞ",
  ];
  for (let i = 0; i < count; i++) {
    let name = "";
    const length = random.int(0, 8);
    for (let j = 0; j < length; j++) {
      name += random.chance(0.7) ? random.string("abcxyzABCXYZ0189", 1) : random.pick(pieces);
    }
    names.push(name);
  }
  return names;
}

const PYTHON_NAMES = `
import json, sys, re
from packaging.utils import canonicalize_name, is_normalized_name, InvalidName
names = json.load(sys.stdin)
out = []
for n in names:
    try:
        canonicalize_name(n, validate=True)
        valid = True
    except InvalidName:
        valid = False
    out.append([canonicalize_name(n), valid, is_normalized_name(n)])
print(json.dumps(out))
`;

const python = await oraclePython();

Deno.test({
  name: "names agree with packaging.utils on 5,000 generated names",
  ignore: skipUnless(python, "Python 3.11 with packaging"),
  fn: async () => {
    const names = generateNames(5000);
    const expected = await runPythonJson<[string, boolean, boolean][]>(
      python!,
      PYTHON_NAMES,
      names,
    );
    names.forEach((name, i) => {
      const actual: [string, boolean, boolean] = [
        canonicalizeName(name),
        isValidName(name),
        isNormalizedName(name),
      ];
      assertEquals(actual, expected[i], JSON.stringify(name));
    });
  },
});
