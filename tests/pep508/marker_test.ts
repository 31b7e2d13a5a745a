import {
  DEFAULT_MARKER_ENVIRONMENT,
  InvalidMarkerError,
  type MarkerEvaluationEnvironment,
  MAX_MARKER_NESTING,
  parseMarker,
  tryParseMarker,
  UndefinedComparisonError,
  UndefinedEnvironmentNameError,
} from "../../lib/pep508/mod.ts";
import { assert, assertEquals, assertThrows } from "../helpers/assert.ts";

const FORMATTED: [string, string][] = [
  ["python_version>='3.8'", 'python_version >= "3.8"'],
  ["  os.name  ==  'nt'  ", 'os_name == "nt"'],
  ["sys.platform=='linux'", 'sys_platform == "linux"'],
  ["platform.machine=='x86_64'", 'platform_machine == "x86_64"'],
  ["platform.version=='1'", 'platform_version == "1"'],
  ["python_implementation=='CPython'", 'platform_python_implementation == "CPython"'],
  ["platform.python_implementation=='CPython'", 'platform_python_implementation == "CPython"'],
  ["'3.8' < python_version", '"3.8" < python_version'],
  ["os_name not\t in 'posix'", 'os_name not in "posix"'],
  ["'linux'in sys_platform", '"linux" in sys_platform'],
  ["extra == 'Foo_Bar.baz'", 'extra == "foo-bar-baz"'],
  ["'Foo_Bar' == extra", '"foo-bar" == extra'],
  ["extra == os_name", 'extra == "os-name"'],
  ["(extra == 'Foo_Bar')", 'extra == "Foo_Bar"'],
  ["(os_name == 'a')", 'os_name == "a"'],
  ["((os_name == 'a'))", 'os_name == "a"'],
  ["(os_name == 'a') and os_name == 'b'", 'os_name == "a" and os_name == "b"'],
  [
    "(os_name == 'a' or os_name == 'b') and os_name == 'c'",
    '(os_name == "a" or os_name == "b") and os_name == "c"',
  ],
  // packaging drops the parentheses of a group that is alone in its group.
  [
    "((os_name == 'a' or os_name == 'b')) and os_name == 'c'",
    'os_name == "a" or os_name == "b" and os_name == "c"',
  ],
  [
    "os_name=='a'and(os_name=='b')or os_name=='c'",
    'os_name == "a" and os_name == "b" or os_name == "c"',
  ],
  ["os_name == 'a'\n", 'os_name == "a"'],
  ["os_name == '\\x41\\t\\101\\u00e9'", 'os_name == "A\t\u0041é"'],
  ["os_name == '\\d\\q'", 'os_name == "\\d\\q"'],
  ["os_name == 'a\\\nb'", 'os_name == "ab"'],
  ["os_name == 'say \"hi\"'", 'os_name == "say "hi""'],
  ["extras == 'a'", 'extras == "a"'],
  ["'dev' in dependency_groups", '"dev" in dependency_groups'],
];

Deno.test("parseMarker() normalizes like packaging's str(Marker)", () => {
  for (const [input, expected] of FORMATTED) {
    assertEquals(String(parseMarker(input)), expected, JSON.stringify(input));
  }
});

const INVALID: [string, string][] = [
  ["", "expected a marker variable or a quoted string, found end of input at position 0"],
  [
    "os_name",
    "expected a marker operator (==, !=, <, <=, >, >=, ~=, ===, in, not in), found end of input at position 7",
  ],
  [
    "os_name = 'a'",
    `expected a marker operator (==, !=, <, <=, >, >=, ~=, ===, in, not in), found "=" at position 8`,
  ],
  [
    "os_name ==",
    "expected a marker variable or a quoted string, found end of input at position 10",
  ],
  [
    "pyhton_version > '3'",
    'unknown marker variable "pyhton_version"; expected a marker variable (python_version, sys_platform, extra, …) or a quoted string at position 0',
  ],
  [
    "python_versions > '3'",
    'unknown marker variable "python_versions"; expected a marker variable (python_version, sys_platform, extra, …) or a quoted string at position 0',
  ],
  ["os_name == 'posix", "expected a closing ' for the string opened at position 11"],
  [
    "os_name notin 'a'",
    `expected a marker operator (==, !=, <, <=, >, >=, ~=, ===, in, not in), found "notin" at position 8`,
  ],
  ["os_name not'a'", `expected whitespace after "not", found "'a'" at position 11`],
  ["os_name not is 'a'", `expected "in" after "not", found "is" at position 12`],
  [
    "os_name == 'a' xor os_name == 'b'",
    'expected "and", "or" or end of input, found "xor" at position 15',
  ],
  [
    "os_name == 'a'or os_name == 'b' andos_name == 'c'",
    'expected "and", "or" or end of input, found "andos_name" at position 32',
  ],
  [
    "(os_name == 'a'",
    'expected "and", "or" or ")" to close the "(" at position 0, found end of input at position 15',
  ],
  ["os_name == 'a')", 'expected "and", "or" or end of input, found ")" at position 14'],
  ["os_name == 'a\nb'", "a quoted string cannot contain a line break at position 13"],
  ["os_name == 'a\0'", "a quoted string cannot contain a NUL character at position 13"],
  [
    "os_name == '\\x4'",
    'truncated "\\x" escape in a quoted string (needs 2 hex digits) at position 12',
  ],
  ["os_name == '\\U00110000'", '"\\U00110000" is not a Unicode character at position 12'],
  ["os_name == 'a\\'", "a quoted string cannot end with a lone backslash at position 13"],
  [
    "os_name == '\\N{BULLET}'",
    '"\\N{...}" escapes are not supported in quoted strings at position 12',
  ],
  ["os_name == 'a'\n\n", 'expected "and", "or" or end of input, found "\\n\\n" at position 14'],
];

Deno.test("parseMarker() rejects bad markers with one-line messages naming the position", () => {
  for (const [input, reason] of INVALID) {
    const error = assertThrows(() => parseMarker(input), InvalidMarkerError);
    assertEquals(error.message, `Invalid marker ${JSON.stringify(input)}: ${reason}`);
    assertEquals(error.code, "invalid-marker");
    assertEquals(error.input, input);
    assertEquals(`${error.reason} at position ${error.position}`, reason);
  }
});

Deno.test("parseMarker() allows nesting up to MAX_MARKER_NESTING parentheses", () => {
  const nested = (depth: number) => "(".repeat(depth) + "os_name == 'posix'" + ")".repeat(depth);
  assertEquals(String(parseMarker(nested(MAX_MARKER_NESTING))), 'os_name == "posix"');
  const error = assertThrows(() => parseMarker(nested(MAX_MARKER_NESTING + 1)), InvalidMarkerError);
  assertEquals(error.reason, "markers cannot nest more than 490 parentheses");
  assertEquals(error.position, MAX_MARKER_NESTING);
});

// Their cost, linear in their length, is checked in tests/fuzz/hostile_growth_test.ts.
Deno.test("parseMarker() rejects 100 KB hostile inputs", () => {
  const size = 100_000;
  const hostile = [
    "(".repeat(size),
    "os_name == '" + "a".repeat(size),
    "os_name == 'a' and ".repeat(size / 19),
    "not ".repeat(size / 4),
    "os_name" + " ".repeat(size),
    "'" + "\\x".repeat(size / 2) + "'",
    "python_version" + "_".repeat(size),
  ];
  for (const input of hostile) assertThrows(() => parseMarker(input), InvalidMarkerError);
});

Deno.test("tryParseMarker() returns undefined for invalid input", () => {
  assertEquals(tryParseMarker("os_name =="), undefined);
  assertEquals(String(tryParseMarker("os_name=='nt'")), 'os_name == "nt"');
});

const EVALUATIONS: [string, MarkerEvaluationEnvironment, boolean][] = [
  // Version variables compare as versions when both sides are versions.
  ['python_version > "3.9"', { python_version: "3.10" }, true],
  ['python_version < "3.9"', { python_version: "3.10" }, false],
  ['"3.8" < python_version', {}, true],
  ['python_version == "3.*"', {}, true],
  ['python_version ~= "3.0"', {}, true],
  ['python_version === "3.11"', {}, true],
  ['python_full_version >= "3.11.7"', {}, true],
  ['python_full_version > "3.8"', { python_full_version: "3.9.0rc1" }, true],
  ['python_full_version == "3.11.7+local"', { python_full_version: "3.11.7+" }, true],
  ['implementation_version >= "7.3"', { implementation_version: "7.3.9" }, true],
  // ...and as strings otherwise: < and > are false, <= and >= mean equality.
  ['platform_release >= "5"', { platform_release: "5.15.0-generic" }, false],
  ['python_version < "abc"', {}, false],
  ['os_name < "z"', {}, false],
  ['os_name > "a"', {}, false],
  ['os_name <= "posix"', {}, true],
  ['os_name >= "posix"', {}, true],
  ['os_name != "nt"', {}, true],
  ['"linux" in sys_platform', {}, true],
  ['"lin" in sys_platform', {}, true],
  ['sys_platform not in "win32 cygwin"', {}, true],
  ['platform_system == "Windows"', { platform_system: "Windows" }, true],
  // Both sides of extra comparisons are normalized (PEP 685), at any depth.
  ['extra == "Foo.Bar"', { extra: "foo_bar" }, true],
  ['(extra == "Foo.Bar")', { extra: "FOO-BAR" }, true],
  ['"Foo.Bar" == extra', { extra: "foo-bar" }, true],
  ['extra == ""', {}, true],
  ['extra == "test"', {}, false],
  // and binds tighter than or.
  ['os_name == "nt" and os_name == "x" or os_name == "posix"', {}, true],
  ['os_name == "posix" or os_name == "nt" and os_name == "x"', {}, true],
  ['(os_name == "posix" or os_name == "nt") and os_name == "x"', {}, false],
  // Lock-file variables are sets.
  ['"test" in extras', { extras: ["Test"] }, true],
  ['"dev" not in dependency_groups', { dependency_groups: ["docs"] }, true],
  // Two quoted strings: the right one names the variable, as packaging does.
  ['"posix" == "os_name"', {}, true],
];

Deno.test("Marker.evaluate() follows packaging's comparison rules", () => {
  for (const [marker, environment, expected] of EVALUATIONS) {
    assertEquals(
      parseMarker(marker).evaluate(environment),
      expected,
      `${marker} in ${JSON.stringify(environment)}`,
    );
  }
});

Deno.test("Marker.evaluate() raises typed errors for undefined comparisons and names", () => {
  const comparisons = [
    'os_name ~= "x"',
    'os_name === "posix"',
    'python_version ~= "3"',
    // Every comparison is evaluated, as packaging does, so an error is not skipped.
    'os_name == "posix" or os_name ~= "x"',
  ];
  for (const marker of comparisons) {
    const error = assertThrows(() => parseMarker(marker).evaluate(), UndefinedComparisonError);
    assertEquals(error.code, "undefined-marker-comparison");
  }
  const messages: [string, MarkerEvaluationEnvironment, string][] = [
    [
      'os_name ~= "x"',
      {},
      `Cannot evaluate marker 'os_name ~= "x"': "~=" cannot compare strings ("posix" ~= "x")`,
    ],
    [
      'python_version ~= "3"',
      {},
      `Cannot evaluate marker 'python_version ~= "3"': "~=3" is not a valid version specifier, and "~=" cannot compare strings`,
    ],
    [
      'extras == "a"',
      { extras: ["a"] },
      `Cannot evaluate marker 'extras == "a"': "extras" is a set and can only be on the right of "in" or "not in"`,
    ],
  ];
  for (const [marker, environment, message] of messages) {
    const error = assertThrows(
      () => parseMarker(marker).evaluate(environment),
      UndefinedComparisonError,
    );
    assertEquals(error.message, message);
  }
  const error = assertThrows(
    () => parseMarker('"a" in extras').evaluate(),
    UndefinedEnvironmentNameError,
  );
  assertEquals(
    error.message,
    `Cannot evaluate marker '"a" in extras': the environment has no "extras"`,
  );
  assertEquals(error.variable, "extras");
  assertEquals(error.code, "undefined-marker-variable");
  assertThrows(() => parseMarker('"a" == "b"').evaluate(), UndefinedEnvironmentNameError);
});

Deno.test("Marker.evaluate() fills missing keys from DEFAULT_MARKER_ENVIRONMENT", () => {
  assertEquals(Object.keys(DEFAULT_MARKER_ENVIRONMENT).sort(), [
    "extra",
    "implementation_name",
    "implementation_version",
    "os_name",
    "platform_machine",
    "platform_python_implementation",
    "platform_release",
    "platform_system",
    "platform_version",
    "python_full_version",
    "python_version",
    "sys_platform",
  ]);
  assert(Object.isFrozen(DEFAULT_MARKER_ENVIRONMENT));
  const marker = parseMarker(
    'sys_platform == "linux" and python_version == "3.11" and platform_machine == "x86_64"',
  );
  assert(marker.evaluate());
  assert(marker.evaluate({ os_name: "posix" }));
  assert(!marker.evaluate({ sys_platform: "win32" }));
  assert(marker.evaluate({ sys_platform: undefined }));
});

Deno.test("Marker.evaluateWithExtras() holds when any extra matches, as pip evaluates", () => {
  const marker = parseMarker('extra == "socks" or extra == "Security"');
  assert(marker.evaluateWithExtras({}, ["security"]));
  assert(marker.evaluateWithExtras({}, ["tests", "SOCKS"]));
  assert(!marker.evaluateWithExtras({}, ["tests"]));
  assert(!marker.evaluateWithExtras({}, []));
  const both = parseMarker('extra == "a" and extra == "b"');
  assert(!both.evaluateWithExtras({}, ["a", "b"]));
  const none = parseMarker('extra == "" and python_version >= "3"');
  assert(none.evaluateWithExtras({ extra: "ignored" }, []));
  assert(!none.evaluateWithExtras({}, ["a"]));
  assert(!parseMarker('python_version < "3"').evaluateWithExtras({}, ["a"]));
});

Deno.test("Marker.variables() lists the normalized variables a marker reads", () => {
  assertEquals(
    [...parseMarker('os.name == "nt" and ("a" in sys_platform or extra == "x")').variables()],
    ["os_name", "sys_platform", "extra"],
  );
  assertEquals(parseMarker('python_version >= "3"').variables().has("extra"), false);
  // A variable compared with extra becomes a value, as in packaging.
  assertEquals([...parseMarker("extra == os_name").variables()], ["extra"]);
});

Deno.test("Marker.expression keeps the parsed tree", () => {
  const marker = parseMarker("os_name == 'a' and (extra == 'B' or 'x' in sys_platform)");
  assertEquals(marker.expression, {
    kind: "expression",
    joins: ["and"],
    terms: [
      {
        kind: "comparison",
        left: { kind: "variable", name: "os_name" },
        operator: "==",
        right: { kind: "value", value: "a" },
      },
      {
        kind: "expression",
        joins: ["or"],
        terms: [
          {
            kind: "comparison",
            left: { kind: "variable", name: "extra" },
            operator: "==",
            right: { kind: "value", value: "B" },
          },
          {
            kind: "comparison",
            left: { kind: "value", value: "x" },
            operator: "in",
            right: { kind: "variable", name: "sys_platform" },
          },
        ],
      },
    ],
  });
});
