import { assert, assertEquals, assertStringIncludes, assertThrows } from "../helpers/assert.ts";
import { DpipError } from "../../lib/errors.ts";
import {
  compareVersions,
  InvalidVersionError,
  parseVersion,
  tryParseVersion,
  Version,
} from "../../lib/pep440/mod.ts";
import { hostileVersions } from "./generate.ts";

Deno.test("parseVersion() normalizes every accepted spelling", () => {
  const table: [string, string][] = [
    ["1.0", "1.0"],
    ["1", "1"],
    ["01.002.0003", "1.2.3"],
    ["v1.0", "1.0"],
    ["V1.0", "1.0"],
    [" \t1.0\n ", "1.0"],
    ["\u00a01.0\u3000", "1.0"],
    ["\x1c1.0\x85", "1.0"],
    ["0!1.0", "1.0"],
    ["1!1.0", "1!1.0"],
    ["001!1.0", "1!1.0"],
    ["1.0a1", "1.0a1"],
    ["1.0A1", "1.0a1"],
    ["1.0alpha1", "1.0a1"],
    ["1.0.alpha.1", "1.0a1"],
    ["1.0-a-1", "1.0a1"],
    ["1.0_a_1", "1.0a1"],
    ["1.0a", "1.0a0"],
    ["1.0a.", "1.0a0"],
    ["1.0b2", "1.0b2"],
    ["1.0beta2", "1.0b2"],
    ["1.0c3", "1.0rc3"],
    ["1.0rc3", "1.0rc3"],
    ["1.0pre3", "1.0rc3"],
    ["1.0preview3", "1.0rc3"],
    ["1.0RC", "1.0rc0"],
    ["1.0.post1", "1.0.post1"],
    ["1.0post1", "1.0.post1"],
    ["1.0-post1", "1.0.post1"],
    ["1.0_post_1", "1.0.post1"],
    ["1.0.post", "1.0.post0"],
    ["1.0r", "1.0.post0"],
    ["1.0rev4", "1.0.post4"],
    ["1.0r-", "1.0.post0"],
    ["1.0-1", "1.0.post1"],
    ["1.0-01", "1.0.post1"],
    ["1.0.dev1", "1.0.dev1"],
    ["1.0dev", "1.0.dev0"],
    ["1.0-dev-2", "1.0.dev2"],
    ["1.0dev-", "1.0.dev0"],
    ["1.0a1.post2.dev3", "1.0a1.post2.dev3"],
    ["1.0a1-2", "1.0a1.post2"],
    ["1.0a.post1", "1.0a0.post1"],
    ["1.0+abc", "1.0+abc"],
    ["1.0+ABC.5", "1.0+abc.5"],
    ["1.0+ubuntu-1", "1.0+ubuntu.1"],
    ["1.0+ubuntu_01", "1.0+ubuntu.1"],
    ["1.0+000", "1.0+0"],
    ["1.0.dev-+abc", "1.0.dev0+abc"],
    ["1!2.0RC1.post3.DEV4+Ubuntu-01", "1!2.0rc1.post3.dev4+ubuntu.1"],
    ["123456789012345678901234567890.1", "123456789012345678901234567890.1"],
    ["1.0.post18446744073709551617", "1.0.post18446744073709551617"],
  ];
  for (const [input, normalized] of table) {
    assertEquals(String(parseVersion(input)), normalized, JSON.stringify(input));
  }
});

Deno.test("parseVersion() rejects non-versions with a one-line message naming the problem", () => {
  const table: [string, string][] = [
    ["", 'Invalid version "": it is empty'],
    ["   ", 'Invalid version "   ": it is only whitespace'],
    [
      "french toast",
      'Invalid version "french toast": expected a release number, found "f" at position 0',
    ],
    ["1.0foo", 'Invalid version "1.0foo": unexpected "f" at position 3'],
    ["1.", 'Invalid version "1.": unexpected "." at position 1'],
    ["1..2", 'Invalid version "1..2": unexpected "." at position 1'],
    [".1", 'Invalid version ".1": expected a release number, found "." at position 0'],
    [
      "1!",
      'Invalid version "1!": expected a release number after the epoch, found end of input at position 2',
    ],
    [
      "1.0+",
      'Invalid version "1.0+": expected a local version label after "+", found end of input at position 4',
    ],
    ["1.0+a..b", 'Invalid version "1.0+a..b": unexpected "." at position 5'],
    ["1.0\n2", 'Invalid version "1.0\\n2": unexpected "\\n" at position 3'],
    ["1.0\ufeff", 'Invalid version "1.0\ufeff": unexpected "\ufeff" at position 3'],
    ["1-", 'Invalid version "1-": unexpected "-" at position 1'],
    ["1.0-1-1", 'Invalid version "1.0-1-1": unexpected "-" at position 5'],
    ["1.0.post1.post2", 'Invalid version "1.0.post1.post2": unexpected "." at position 9'],
    ["1.0a1a2", 'Invalid version "1.0a1a2": unexpected "a" at position 5'],
    [
      "1.0+é",
      'Invalid version "1.0+é": expected a local version label after "+", found "é" at position 4',
    ],
    ["1.0.poſt1", 'Invalid version "1.0.poſt1": unexpected "." at position 3'],
    ["١.٠", 'Invalid version "١.٠": expected a release number, found "١" at position 0'],
    ["1.*", 'Invalid version "1.*": unexpected "." at position 1'],
  ];
  for (const [input, message] of table) {
    const error = assertThrows(() => parseVersion(input), InvalidVersionError);
    assertEquals(error.message, message);
    assertEquals(error.input, input);
    assertEquals(error.code, "invalid-version");
    assert(error instanceof DpipError);
    assert(!error.message.includes("\n"));
    assertEquals(tryParseVersion(input), undefined);
  }
});

Deno.test("parseVersion() rejects numbers Python refuses to convert (over 4300 digits)", () => {
  const error = assertThrows(() => parseVersion("1." + "2".repeat(4301)), InvalidVersionError);
  assertStringIncludes(error.message, "a number has too many digits at position 2");
  assertStringIncludes(error.message, "(4303 characters)");
  assertEquals(String(parseVersion("1." + "2".repeat(4300))).length, 4302);
  assertEquals(tryParseVersion("1.0+" + "0".repeat(4301)), undefined);
  assertEquals(tryParseVersion("1.0+a" + "0".repeat(4301)) !== undefined, true);
});

Deno.test("Version fields, flags and derived strings", () => {
  const v = parseVersion("2!1.2.3rc4.post5.dev6+Local-7");
  assertEquals(v.epoch, 2);
  assertEquals(v.release, [1, 2, 3]);
  assertEquals(v.pre, ["rc", 4]);
  assertEquals(v.post, 5);
  assertEquals(v.dev, 6);
  assertEquals(v.local, "local.7");
  assertEquals(v.public, "2!1.2.3rc4.post5.dev6");
  assertEquals(v.baseVersion, "2!1.2.3");
  assertEquals([v.isPrerelease, v.isPostrelease, v.isDevrelease], [true, true, true]);
  assertEquals([v.major, v.minor, v.micro], [1, 2, 3]);

  const plain = parseVersion("7");
  assertEquals([plain.major, plain.minor, plain.micro], [7, 0, 0]);
  assertThrows(() => (v.release as number[]).push(4), TypeError);
  assertThrows(() => ((v.pre as unknown as number[])[1] = 9), TypeError);
  assertEquals([plain.pre, plain.post, plain.dev, plain.local], [
    undefined,
    undefined,
    undefined,
    undefined,
  ]);
  assertEquals([plain.isPrerelease, plain.isPostrelease, plain.isDevrelease], [
    false,
    false,
    false,
  ]);
  assertEquals(parseVersion("1.0.dev0").isPrerelease, true);
  assertEquals(parseVersion("1.0.post0").isPrerelease, false);
  assertEquals(parseVersion("1.0.post0.dev0").isPrerelease, true);
});

Deno.test("compareVersions() follows the PEP 440 total order", () => {
  const ascending = [
    "0.dev0",
    "0",
    "0.1.dev1",
    "1.0.dev0",
    "1.0.dev1",
    "1.0a0.dev0",
    "1.0a0",
    "1.0a1.dev1",
    "1.0a1",
    "1.0a1.post0.dev0",
    "1.0a1.post0",
    "1.0a2",
    "1.0b1",
    "1.0rc1",
    "1.0",
    "1.0+abc",
    "1.0+abc.1",
    "1.0+abc.1.a",
    "1.0+abd",
    "1.0+0",
    "1.0+1",
    "1.0+1.abc",
    "1.0+2",
    "1.0+10",
    "1.0.post0.dev0",
    "1.0.post0",
    "1.0.post1",
    "1.0.1",
    "1.1.dev0",
    "1.10",
    "2",
    "123456789012345678901234567890",
    "123456789012345678901234567891",
    "1!0.1",
    "2!0.0",
  ];
  for (let i = 0; i + 1 < ascending.length; i++) {
    const [a, b] = [ascending[i]!, ascending[i + 1]!];
    assertEquals(compareVersions(a, b), -1, `${a} < ${b}`);
    assertEquals(compareVersions(b, a), 1, `${b} > ${a}`);
  }
  const shuffled = [...ascending].reverse();
  assertEquals(shuffled.sort(compareVersions), ascending);
});

Deno.test("equal versions: trailing zeros, spellings, local case and leading zeros", () => {
  const pairs: [string, string][] = [
    ["1.0", "1"],
    ["1.0.0.0", "1"],
    ["0!1.0", "1"],
    ["1.0a", "1.0a0"],
    ["1.0-1", "1.0.post1"],
    ["1.0+ABC", "1.0+abc"],
    ["1.0+01", "1.0+1"],
    ["1.0+a-b", "1.0+a.b"],
  ];
  for (const [a, b] of pairs) {
    assertEquals(compareVersions(a, b), 0, `${a} == ${b}`);
    assert(parseVersion(a).equals(parseVersion(b)));
    assertEquals(parseVersion(a).comparisonKey, parseVersion(b).comparisonKey);
  }
  assert(!parseVersion("1.0").equals(parseVersion("1.0+0")));
  assert(!parseVersion("1.0+a.0").equals(parseVersion("1.0+a")));
});

Deno.test("huge numbers stay exact in text and order", () => {
  const a = parseVersion("1.123456789012345678901234567890");
  const b = parseVersion("1.123456789012345678901234567891");
  assertEquals(String(a), "1.123456789012345678901234567890");
  assertEquals(a.compare(b), -1);
  assertEquals(parseVersion("1.00123456789012345678901234567890").equals(a), true);
  assertEquals(parseVersion("9007199254740993").compare(parseVersion("9007199254740992")), 1);
  assertEquals(parseVersion("1.0.post99999999999999999999").baseVersion, "1.0");
  assertEquals(parseVersion("99999999999999999999!1").baseVersion, "99999999999999999999!1");
  assertEquals(parseVersion("1+99999999999999999999").local, "99999999999999999999");
});

Deno.test("new Version() builds and validates from parts", () => {
  const v = new Version({ epoch: 1, release: [2, 0], pre: ["b", 3], local: "Foo-01" });
  assertEquals(String(v), "1!2.0b3+foo.1");
  assertEquals(
    String(new Version({ release: [1n, 12345678901234567890n] })),
    "1.12345678901234567890",
  );
  assertThrows(() => new Version({ release: [] }), RangeError);
  assertThrows(() => new Version({ release: [-1] }), RangeError);
  assertThrows(() => new Version({ release: [1.5] }), RangeError);
  assertThrows(() => new Version({ release: [1], local: "a..b" }), RangeError);
  // deno-lint-ignore no-explicit-any
  assertThrows(() => new Version({ release: [1], pre: ["c" as any, 1] }), RangeError);
  assertEquals(
    new Version({ release: [1, 0], dev: 0 }).format({ stripTrailingZero: true }),
    "1.dev0",
  );
});

Deno.test("parsed versions are cached and shared", () => {
  assert(parseVersion("3.14.15") === parseVersion("3.14.15"));
  assert(tryParseVersion("3.14.15") === parseVersion("3.14.15"));
  assertEquals(tryParseVersion("not a version"), undefined);
  assertThrows(() => parseVersion("not a version"), InvalidVersionError, "not a version");
});

Deno.test("compareVersions() throws for invalid strings", () => {
  assertThrows(() => compareVersions("1.0", "nope"), InvalidVersionError, '"nope"');
});

// Their cost, linear in their length, is checked in tests/fuzz/hostile_growth_test.ts.
Deno.test("hostile 100 KB inputs fail (or parse) with short messages", () => {
  for (const text of hostileVersions(100_000)) {
    const version = tryParseVersion(text);
    if (version === undefined) {
      const error = assertThrows(() => parseVersion(text), InvalidVersionError);
      assert(error.message.length < 300, "messages stay short");
    } else {
      assertEquals(text.startsWith("1.0.0.0"), true, "only the long release is valid");
    }
  }
});
