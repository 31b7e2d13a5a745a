import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";
import { DpipError } from "../../lib/errors.ts";
import {
  InvalidSpecifierError,
  parseSpecifier,
  parseSpecifierSet,
  parseVersion,
  Specifier,
  SpecifierSet,
} from "../../lib/pep440/mod.ts";

Deno.test("parseSpecifier() splits operator and version, keeping the version as written", () => {
  const table: [string, string, string, string][] = [
    [">=1.0", ">=", "1.0", ">=1.0"],
    ["  >=  1.0  ", ">=", "1.0", ">=1.0"],
    ["==1.0.*", "==", "1.0.*", "==1.0.*"],
    ["!=V1.0.*", "!=", "V1.0.*", "!=V1.0.*"],
    ["~=1.4.5RC1", "~=", "1.4.5RC1", "~=1.4.5RC1"],
    ["==1.0+Local-1", "==", "1.0+Local-1", "==1.0+Local-1"],
    ["===foo bar".slice(0, 6), "===", "foo", "===foo"],
    ["=== Any-Thing! ", "===", "Any-Thing!", "===Any-Thing!"],
    ["===", "===", "", "==="],
    ["====1", "===", "=1", "====1"],
    ["<1!2.0", "<", "1!2.0", "<1!2.0"],
    ["\u00a0>\u30002", ">", "2", ">2"],
  ];
  for (const [input, operator, version, text] of table) {
    const spec = parseSpecifier(input);
    assertEquals([spec.operator, spec.version, String(spec)], [operator, version, text], input);
  }
});

Deno.test("parseSpecifier() errors name the input, the problem and the position", () => {
  const table: [string, string][] = [
    [
      "",
      'Invalid specifier "": expected an operator (==, !=, <=, >=, <, >, ~= or ===), found end of input at position 0',
    ],
    [
      "1.0",
      'Invalid specifier "1.0": expected an operator (==, !=, <=, >=, <, >, ~= or ===), found "1" at position 0',
    ],
    [
      "=>1.0",
      'Invalid specifier "=>1.0": expected an operator (==, !=, <=, >=, <, >, ~= or ===), found "=" at position 0',
    ],
    [">=", 'Invalid specifier ">=": expected a version number, found end of input at position 2'],
    [">= foo", 'Invalid specifier ">= foo": expected a version number, found "f" at position 3'],
    [
      "~=1",
      'Invalid specifier "~=1": ~= needs a release with at least two numbers (like ~=1.0) at position 3',
    ],
    [
      "~=1.0.*",
      'Invalid specifier "~=1.0.*": a .* suffix is only allowed with == and !=, not ~= at position 5',
    ],
    [
      ">=1.0+abc",
      'Invalid specifier ">=1.0+abc": a local version label is only allowed with == and !=, not >= at position 5',
    ],
    ["==1.0.*+abc", 'Invalid specifier "==1.0.*+abc": unexpected "+" after .* at position 7'],
    ["==1.0a1.*", 'Invalid specifier "==1.0a1.*": unexpected "." at position 7'],
    [
      "==1.0+",
      'Invalid specifier "==1.0+": expected a local version label after "+", found end of input at position 6',
    ],
    ["==1.0 1", 'Invalid specifier "==1.0 1": unexpected " " at position 5'],
    [">=1.0;", 'Invalid specifier ">=1.0;": unexpected ";" at position 5'],
    ["===a b", 'Invalid specifier "===a b": an arbitrary version cannot contain " " at position 4'],
    ["===a)", 'Invalid specifier "===a)": an arbitrary version cannot contain ")" at position 4'],
    ["~=1.0.poſt1", 'Invalid specifier "~=1.0.poſt1": unexpected "." at position 5'],
    [
      "==1!",
      'Invalid specifier "==1!": expected a release number after the epoch, found end of input at position 4',
    ],
  ];
  for (const [input, message] of table) {
    const error = assertThrows(() => parseSpecifier(input), InvalidSpecifierError);
    assertEquals(error.message, message);
    assertEquals(error.input, input);
    assertEquals(error.code, "invalid-specifier");
    assert(error instanceof DpipError);
  }
});

Deno.test("parseSpecifierSet() errors point into the whole set, or a larger input", () => {
  const error = assertThrows(() => parseSpecifierSet(">=1.0, =>2"), InvalidSpecifierError);
  assertEquals(
    error.message,
    'Invalid specifier ">=1.0, =>2": expected an operator (==, !=, <=, >=, <, >, ~= or ===), found "=" at position 7',
  );
  assertEquals(error.position, 7);
  const inner = assertThrows(
    () => parseSpecifierSet("<2,>=x", { input: "name (<2,>=x)", offset: 6 }),
    InvalidSpecifierError,
  );
  assertEquals(inner.input, "name (<2,>=x)");
  assertEquals(inner.position, 11);
});

/** [specifier, version, contains by default, contains with prereleases: false]. */
const CONTAINS: [string, string, boolean, boolean][] = [
  // ==, with local versions and trailing zeros
  ["==1.0", "1.0", true, true],
  ["==1.0", "1", true, true],
  ["==1.0", "1.0.0", true, true],
  ["==1.0", "1.0+local", true, true],
  ["==1.0", "1.0.post1", false, false],
  ["==1.0+local", "1.0+local", true, true],
  ["==1.0+local", "1.0+LOCAL", true, true],
  ["==1.0+local", "1.0", false, false],
  ["==1.0+local", "1.0+other", false, false],
  ["==1.0a1", "1.0a1", true, false],
  // != mirrors ==
  ["!=1.0", "1.0+local", false, false],
  ["!=1.0", "1.1", true, true],
  ["!=1.0+local", "1.0", true, true],
  // prefix matching
  ["==1.0.*", "1.0", true, true],
  ["==1.0.*", "1", true, true],
  ["==1.0.*", "1.0.5", true, true],
  ["==1.0.*", "1.0a1", true, false],
  ["==1.0.*", "1.0.post1", true, true],
  ["==1.0.*", "1.0+local", true, true],
  ["==1.0.*", "1.1", false, false],
  ["==1.0.*", "1!1.0", false, false],
  ["==1!1.*", "1!1.2", true, true],
  ["==0.*", "0.dev1", true, false],
  ["!=1.0.*", "1.0.5", false, false],
  ["!=1.0.*", "1.1", true, true],
  // ordered comparisons
  [">=1.0", "1.0", true, true],
  [">=1.0", "1.0+local", true, true],
  [">=1.0", "1.0rc1", false, false],
  [">=1.0", "2.0a1", true, false],
  ["<=1.0", "1.0+local", true, true],
  ["<=1.0", "1.0.post1", false, false],
  ["<1.0", "0.9", true, true],
  ["<1.0", "1.0rc1", false, false],
  ["<1.0", "1.0.dev0", false, false],
  ["<1.0", "0.9a1", true, false],
  ["<1.0rc1", "1.0b1", true, false],
  ["<1.0.post1", "1.0.post1.dev0", false, false],
  ["<1.0.post1", "1.0", true, true],
  ["<1.0", "1.0+local", false, false],
  ["<1.0", "0.9+local", true, true],
  [">1.0", "1.0.post1", false, false],
  [">1.0", "1.0+local", false, false],
  [">1.0", "1.0.1", true, true],
  [">1.0", "1.1.dev1", true, false],
  [">1.0.post1", "1.0.post2", true, true],
  [">1.0a1", "1.0a1.post1", false, false],
  [">1.0a1", "1.0a1+local", false, false],
  [">1.0a1", "1.0a2+local", true, false],
  [">1.0.dev1", "1.0.dev1.post1", false, false],
  // compatible release
  ["~=1.4.5", "1.4.5", true, true],
  ["~=1.4.5", "1.4.99", true, true],
  ["~=1.4.5", "1.5", false, false],
  ["~=1.4.5", "1.4.4", false, false],
  ["~=1.4", "1.9", true, true],
  ["~=1.4", "2.0", false, false],
  ["~=1.4.5a1", "1.4.5", true, true],
  ["~=1.4.5a1", "1.4.5b1", true, false],
  ["~=1.4.5.post1", "1.4.6", true, true],
  ["~=1!1.4", "1!1.5", true, true],
  ["~=1!1.4", "1.5", false, false],
  // packaging's quirks with unusual spellings under ~=
  ["~=v1.4.5", "1.4.5", false, false],
  ["~=1.4c1", "1.5", false, false],
  ["~=1.4rc1", "1.5", true, true],
  // arbitrary equality: case-insensitive string comparison
  ["===1.0", "1.0", true, true],
  ["===1.0", "1.0.0", false, false],
  ["===foo", "FOO", true, true],
  ["===foo", "foo1", false, false],
  ["===1.0a1", "1.0A1", true, false],
  // strings that are not versions only match ===
  [">=1.0", "foo", false, false],
  ["!=1.0", "foo", false, false],
];

Deno.test("Specifier.contains() and SpecifierSet.contains() per operator", () => {
  for (const [spec, version, byDefault, noPrereleases] of CONTAINS) {
    const label = `${spec} contains ${version}`;
    assertEquals(parseSpecifier(spec).contains(version), byDefault, label);
    assertEquals(parseSpecifier(spec).contains(version, { prereleases: true }), byDefault, label);
    assertEquals(
      parseSpecifier(spec).contains(version, { prereleases: false }),
      noPrereleases,
      label + " (no pre-releases)",
    );
    const set = parseSpecifierSet(spec);
    assertEquals(set.contains(version), byDefault, label + " (set)");
    assertEquals(set.contains(version, { prereleases: false }), noPrereleases, label + " (set)");
  }
});

Deno.test("=== compares the text given, or a Version's normalized form", () => {
  const set = parseSpecifierSet("===1.0");
  assertEquals(set.contains("1.0.0"), false);
  assertEquals(set.contains(parseVersion("1.0")), true);
  assertEquals(set.contains(parseVersion("1.0.0")), false);
  assertEquals(parseSpecifierSet("===v1").contains("v1"), true);
  assertEquals(parseSpecifierSet("===v1").contains(parseVersion("v1")), false);
  assertEquals(parseSpecifierSet("===").contains(""), true);
  assertEquals(parseSpecifierSet("===foo,===FOO").contains("Foo"), true);
  assertEquals(parseSpecifierSet("===foo,>=1").contains("foo"), false);
});

Deno.test("SpecifierSet: the empty set admits everything", () => {
  for (const text of ["", " ", ",", " , ,"]) {
    const set = parseSpecifierSet(text);
    assert(set.isEmpty);
    assertEquals(String(set), "");
    assertEquals(set.contains("1.0"), true);
    assertEquals(set.contains("1.0a1"), true);
    assertEquals(set.contains("1.0a1", { prereleases: false }), false);
    assertEquals(set.contains("not a version", { prereleases: false }), true);
    assertEquals(set.filter(["1.0a1", "1.0", "junk"]), ["1.0", "junk"]);
    assertEquals(set.filter(["1.0a1", "junk"]), ["1.0a1", "junk"]);
  }
  assertEquals(new SpecifierSet().isEmpty, true);
});

Deno.test("SpecifierSet.toString() sorts and removes equivalent duplicates like packaging", () => {
  const table: [string, string][] = [
    [">=1.0, !=1.5", "!=1.5,>=1.0"],
    ["<2 , >=1", "<2,>=1"],
    ["==1.0,==1.0.0", "==1.0"],
    ["==1.0.0,==1.0", "==1.0"],
    ["~=1.0,~=1.0.0", "~=1.0,~=1.0.0"],
    ["==1.0.*,==1.0.0.*", "==1.0.*,==1.0.0.*"],
    ["===Foo,===foo", "===Foo,===foo"],
    [">=1.0+0".replace("+0", ""), ">=1.0"],
    ["==1.0+ABC,==1+abc", "==1+abc"],
    [">=1,>=1,>=1", ">=1"],
  ];
  for (const [input, text] of table) assertEquals(String(parseSpecifierSet(input)), text, input);
  const set = parseSpecifierSet(">=1.0, !=1.5");
  assertEquals(set.specifiers.map(String), [">=1.0", "!=1.5"]);
});

Deno.test("SpecifierSet.prereleases: a set admits pre-releases when it names one", () => {
  const table: [string, boolean][] = [
    [">=1.0", false],
    [">=1.0a1", true],
    ["<2.0.dev1", true],
    ["!=1.0a1", false],
    ["==1.0.*", false],
    ["===1.0a1", true],
    ["===foo", false],
    [">=1.0,<2.0rc1", true],
    ["", false],
  ];
  for (const [input, expected] of table) {
    assertEquals(parseSpecifierSet(input).prereleases, expected, input);
  }
  assertEquals(parseSpecifier("===foo").prereleases, undefined);
  assertEquals(parseSpecifier("==1.0a1").prereleases, true);
  assertEquals(parseSpecifier("!=1.0a1").prereleases, false);
});

Deno.test("SpecifierSet.filter(): pre-releases only when named, asked for, or nothing else matches", () => {
  const versions = ["0.9", "1.0a1", "1.0", "1.5b2", "2.0.dev1", "2.0"];
  const set = parseSpecifierSet(">=1.0");
  assertEquals(set.filter(versions), ["1.0", "2.0"]);
  assertEquals(set.filter(versions, { prereleases: true }), ["1.0", "1.5b2", "2.0.dev1", "2.0"]);
  assertEquals(set.filter(versions, { prereleases: false }), ["1.0", "2.0"]);
  assertEquals(parseSpecifierSet(">=1.5a1").filter(versions), ["1.5b2", "2.0.dev1", "2.0"]);
  assertEquals(parseSpecifierSet(">1.0,<2").filter(versions), ["1.5b2"]);
  assertEquals(parseSpecifierSet(">1.0,<=2").filter(versions), ["2.0"]);
  assertEquals(parseSpecifierSet(">1.0,<2").filter(versions, { prereleases: false }), []);
  assertEquals(parseSpecifierSet(">=1.0,!=2.0").filter(["1.0", "3.0a1"]), ["1.0"]);
  assertEquals(parseSpecifierSet("===junk").filter(["junk", "1.0", "JUNK"]), ["junk", "JUNK"]);
  assertEquals(parseSpecifierSet(">=1").filter([]), []);
});

Deno.test("SpecifierSet.filter() takes Version items and a key", () => {
  const set = parseSpecifierSet("~=1.2");
  const versions = ["1.1", "1.2", "1.9", "2.0"].map(parseVersion);
  assertEquals(set.filter(versions).map(String), ["1.2", "1.9"]);
  const files = [{ name: "a", version: "1.3" }, { name: "b", version: "3.0" }];
  assertEquals(set.filter(files, { key: (file) => file.version }), [files[0]]);
  assertEquals(
    set.filter(files, { key: (file) => parseVersion(file.version) }).map((f) => f.name),
    ["a"],
  );
});

Deno.test("SpecifierSet can be built from parsed specifiers", () => {
  const set = new SpecifierSet([new Specifier(">=1"), parseSpecifier("<2")]);
  assertEquals(String(set), "<2,>=1");
  assertEquals(set.contains("1.5"), true);
  assertEquals(set.contains("2.5"), false);
});

Deno.test("Specifier.canonicalKey treats equivalent specifiers as one", () => {
  assertEquals(parseSpecifier("==1.0.0").canonicalKey, parseSpecifier("== 1").canonicalKey);
  assertEquals(
    parseSpecifier("~=1.0").canonicalKey === parseSpecifier("~=1.0.0").canonicalKey,
    false,
  );
  assertEquals(
    parseSpecifier("==1.*").canonicalKey === parseSpecifier("==1.0.*").canonicalKey,
    false,
  );
});

Deno.test("parseSpecifierSet() caches parsed sets", () => {
  assert(parseSpecifierSet(">=3,<4") === parseSpecifierSet(">=3,<4"));
});

// Their cost, linear in their length, is checked in tests/fuzz/hostile_growth_test.ts.
Deno.test("hostile 100 KB specifiers and sets fail with short messages", () => {
  const size = 100_000;
  const inputs = [
    ">=" + "1".repeat(size),
    "==" + "1.".repeat(size / 2),
    "==1.0" + "+a".repeat(size / 2),
    "~=" + "1.0".repeat(size / 3),
    "===" + "a".repeat(size) + " b",
    ">=1,".repeat(size / 4) + "x",
    ",".repeat(size) + "=",
    " ".repeat(size) + ">=1.0" + " ".repeat(size) + "x",
    "==1.0" + "-".repeat(size),
    "==1.0" + ".*".repeat(size / 2),
  ];
  for (const input of inputs) {
    try {
      parseSpecifierSet(input);
    } catch (error) {
      assert(error instanceof InvalidSpecifierError);
      assert(error.message.length < 300);
    }
  }
});
