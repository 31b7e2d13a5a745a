import {
  InvalidRequirementError,
  parseRequirement,
  tryParseRequirement,
} from "../../lib/pep508/mod.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";

interface Parsed {
  str: string;
  name: string;
  extras?: string[];
  specifier?: string;
  url?: string;
  marker?: string;
}

const VALID: [string, Parsed][] = [
  ["foo", { str: "foo", name: "foo" }],
  ["  Foo_Bar  ", { str: "Foo_Bar", name: "Foo_Bar" }],
  ["foo_", { str: "foo_", name: "foo_" }],
  ["foo[b, a,a]", { str: "foo[a,b]", name: "foo", extras: ["a", "b"] }],
  ["foo[ B , a ]", { str: "foo[B,a]", name: "foo", extras: ["B", "a"] }],
  ["foo[]", { str: "foo", name: "foo" }],
  ["foo (>=1.0, <2)", { str: "foo<2,>=1.0", name: "foo", specifier: "<2,>=1.0" }],
  ["foo>=1.0,<2", { str: "foo<2,>=1.0", name: "foo", specifier: "<2,>=1.0" }],
  ["foo >= 1.0 , < 2", { str: "foo<2,>=1.0", name: "foo", specifier: "<2,>=1.0" }],
  ["foo>=1,", { str: "foo>=1", name: "foo", specifier: ">=1" }],
  ["foo ()", { str: "foo", name: "foo" }],
  ["foo>=\n1.0", { str: "foo>=1.0", name: "foo", specifier: ">=1.0" }],
  ["foo\n", { str: "foo", name: "foo" }],
  ["foo===", { str: "foo===", name: "foo", specifier: "===" }],
  ["foo===a(b", { str: "foo===a(b", name: "foo", specifier: "===a(b" }],
  ["foo~= 1.0", { str: "foo~=1.0", name: "foo", specifier: "~=1.0" }],
  ["foo==1.0.*", { str: "foo==1.0.*", name: "foo", specifier: "==1.0.*" }],
  ["foo==1.0+Local.7", { str: "foo==1.0+Local.7", name: "foo", specifier: "==1.0+Local.7" }],
  ["foo @ https://x.test/a.whl", {
    str: "foo @ https://x.test/a.whl",
    name: "foo",
    url: "https://x.test/a.whl",
  }],
  ["foo@https://x.test/a.whl ; os_name=='nt'", {
    str: 'foo @ https://x.test/a.whl ; os_name == "nt"',
    name: "foo",
    url: "https://x.test/a.whl",
    marker: 'os_name == "nt"',
  }],
  ["foo @ https://x.test/a;b", {
    str: "foo @ https://x.test/a;b",
    name: "foo",
    url: "https://x.test/a;b",
  }],
  ["foo[bar] @ file:///tmp/x", {
    str: "foo[bar] @ file:///tmp/x",
    name: "foo",
    extras: ["bar"],
    url: "file:///tmp/x",
  }],
  ["foo; extra == 'Foo_Bar'", {
    str: 'foo; extra == "foo-bar"',
    name: "foo",
    marker: 'extra == "foo-bar"',
  }],
  // packaging normalizes extra names only at the top level of the marker.
  ["foo;(extra == 'Foo_Bar')", {
    str: 'foo; extra == "Foo_Bar"',
    name: "foo",
    marker: 'extra == "Foo_Bar"',
  }],
  ["foo>=1.0;python_version<'3.12'", {
    str: 'foo>=1.0; python_version < "3.12"',
    name: "foo",
    specifier: ">=1.0",
    marker: 'python_version < "3.12"',
  }],
  ["name[quux, strange];python_version<'2.7' and platform_version=='2'", {
    str: 'name[quux,strange]; python_version < "2.7" and platform_version == "2"',
    name: "name",
    extras: ["quux", "strange"],
    marker: 'python_version < "2.7" and platform_version == "2"',
  }],
  ["foo ; os_name=='a'\n", { str: 'foo; os_name == "a"', name: "foo", marker: 'os_name == "a"' }],
];

Deno.test("parseRequirement() accepts and normalizes like packaging", () => {
  for (const [input, want] of VALID) {
    const requirement = parseRequirement(input);
    const label = JSON.stringify(input);
    assertEquals(String(requirement), want.str, label);
    assertEquals(requirement.name, want.name, label);
    assertEquals([...requirement.extras], want.extras ?? [], label);
    assertEquals(String(requirement.specifier), want.specifier ?? "", label);
    assertEquals(requirement.url, want.url, label);
    assertEquals(requirement.marker?.toString(), want.marker, label);
  }
});

Deno.test("parseRequirement() exposes a SpecifierSet", () => {
  const requirement = parseRequirement("foo>=1.0,!=1.5.*");
  assert(requirement.specifier.contains("1.4"));
  assert(!requirement.specifier.contains("1.5.2"));
});

const INVALID: [string, string][] = [
  ["", "expected a package name, found end of input at position 0"],
  ["!foo", 'expected a package name, found "!foo" at position 0'],
  ["fooé", 'expected a package name, found "fooé" at position 0'],
  ["foo>=", 'expected a version after ">=" at position 5'],
  ["foo>= ", 'expected a version after ">=" at position 6'],
  ["foo >=abc", 'expected a version after ">=", found "abc" at position 6'],
  ["foo~=1", '"~=" needs a version with at least two parts, like "~=2.0" at position 5'],
  ["foo>=1.0 <2", 'expected "," before the version specifier "<2" at position 9'],
  [
    "foo>=1,,",
    'expected ",", ";" or end of input after the version specifier, found "," at position 7',
  ],
  ["foo>=1.0.*", '".*" can only be used with "==" or "!=", not in ">=1.0.*" at position 3'],
  ["foo==1.0.*.*", 'unexpected ".*" after "==1.0.*" at position 3'],
  [
    "foo>=1.0+abc",
    'a local version label ("+abc") can only be used with "==" or "!=" at position 3',
  ],
  ["foo==1.0+abc+def", 'unexpected "+def" after "==1.0+abc" at position 3'],
  [
    "foo (>=1.0",
    'expected "," or ")" to close the "(" at position 4, found end of input at position 10',
  ],
  [
    "foo (bar)",
    'expected a version specifier or ")" to close the "(" at position 4, found "bar)" at position 5',
  ],
  [
    "foo bar",
    'expected a version specifier, "@ URL", ";" or end of input after the name, found "bar" at position 4',
  ],
  [
    "foo.",
    'expected a version specifier, "@ URL", ";" or end of input after the name, found "." at position 3',
  ],
  [
    "foo\n\n",
    'expected a version specifier, "@ URL", ";" or end of input after the name, found "\\n\\n" at position 3',
  ],
  [
    "foo[",
    'expected an extra name or "]" to close the "[" at position 3, found end of input at position 4',
  ],
  ["foo[a", 'expected "," or "]" to close the "[" at position 3, found end of input at position 5'],
  ["foo[a b]", 'expected "," between extra names, found "b]" at position 6'],
  ["foo[a,]", 'expected an extra name after ",", found "]" at position 6'],
  ["foo @", 'expected a URL after "@" at position 5'],
  [
    "foo @ https://x.test/a.whl; os_name=='nt'",
    `expected ";" or end of input after the URL, found "os_name=='nt'" (the ";" right after the URL is part of it: put a space before ";") at position 28`,
  ],
  [
    "foo @ https://x.test/a.whl extra",
    'expected ";" or end of input after the URL, found "extra" at position 27',
  ],
  ["foo;", "expected a marker variable or a quoted string, found end of input at position 4"],
  [
    "foo; os_name",
    "expected a marker operator (==, !=, <, <=, >, >=, ~=, ===, in, not in), found end of input at position 12",
  ],
  [
    "foo; os_name == 'a' xx",
    'expected "and", "or" or end of input after the marker, found "xx" at position 20',
  ],
  [
    "foo; (os_name == 'a'",
    'expected "and", "or" or ")" to close the "(" at position 5, found end of input at position 20',
  ],
  ["foo===1,2", 'invalid version specifier "===1,2" at position 3'],
];

Deno.test("parseRequirement() rejects bad input with one-line messages naming the position", () => {
  for (const [input, reason] of INVALID) {
    const error = assertThrows(() => parseRequirement(input), InvalidRequirementError);
    assertEquals(error.message, `Invalid requirement ${JSON.stringify(input)}: ${reason}`);
    assertEquals(error.code, "invalid-requirement");
    assertEquals(error.input, input);
    assertEquals(error.message.includes("\n"), false);
    assertEquals(`${error.reason} at position ${error.position}`, reason);
  }
});

Deno.test("parseRequirement() keeps the specifier error as the cause", () => {
  const error = assertThrows(() => parseRequirement("foo===1,2"), InvalidRequirementError);
  assert(error.cause instanceof Error);
});

Deno.test("parseRequirement() shortens very long inputs in messages", () => {
  const input = "foo>=1.0 " + "x".repeat(1000);
  const error = assertThrows(() => parseRequirement(input), InvalidRequirementError);
  assertEquals(
    error.message,
    `Invalid requirement ${JSON.stringify(input.slice(0, 100) + "…")} (1009 characters): ` +
      `expected ",", ";" or end of input after the version specifier, found "xxxxxxxxxxxxxxxxxxxx…" at position 9`,
  );
});

Deno.test("tryParseRequirement() returns undefined for invalid input", () => {
  assertEquals(tryParseRequirement("foo>="), undefined);
  assertEquals(String(tryParseRequirement("Foo>=1")), "Foo>=1");
});

// Their cost, linear in their length, is checked in tests/fuzz/hostile_growth_test.ts.
Deno.test("parseRequirement() rejects 100 KB hostile inputs", () => {
  const size = 100_000;
  const hostile = [
    "a".repeat(size) + "é",
    "a" + "-".repeat(size),
    "foo" + ">=1,".repeat(size / 4) + "!",
    "foo[" + "a,".repeat(size / 2),
    "foo; " + "(".repeat(size),
    "foo; " + "os_name == 'x' and ".repeat(size / 20),
    "foo; os_name == '" + "a".repeat(size),
    "foo==" + "1.".repeat(size / 2) + "x",
    "foo; " + "not ".repeat(size / 4),
    "foo===" + "x".repeat(size) + ")",
  ];
  for (const input of hostile) assertThrows(() => parseRequirement(input), InvalidRequirementError);
  const many = parseRequirement("foo; " + Array(5000).fill("os_name == 'posix'").join(" or "));
  assertEquals(many.marker?.evaluate({ os_name: "posix" }), true);
  assertEquals(parseRequirement("foo==" + "1.".repeat(size / 2) + "0").name, "foo");
});
