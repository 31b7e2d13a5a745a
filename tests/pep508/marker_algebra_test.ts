/**
 * The marker algebra: tables of normalization, simplification, combination
 * and disjointness, and properties checked on generated markers against
 * `Marker.evaluate` in generated environments (packaging's evaluation of
 * the simplified text is compared in marker_algebra_differential_test.ts).
 */

import { MarkerSet } from "../../lib/pep508/marker_algebra.ts";
import { quoteMarkerValue } from "../../lib/pep508/marker_print.ts";
import { parseMarker } from "../../lib/pep508/mod.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { Random } from "../helpers/random.ts";
import { generateAlgebraMarker, generateEnvironment } from "./marker_algebra_generators.ts";

const NOWHERE = 'python_version < "0"';

Deno.test("marker algebra: simplest forms", () => {
  const table: [string, string][] = [
    ['python_version >= "3.9" and python_version < "3.9"', NOWHERE],
    ['sys_platform == "win32" or sys_platform != "win32"', ""],
    ['sys_platform == "win32" and sys_platform != "win32"', NOWHERE],
    ['sys_platform == "linux" and sys_platform == "darwin"', NOWHERE],
    [
      'python_version >= "3.9" and python_version < "3.12"',
      'python_version >= "3.9" and python_version < "3.12"',
    ],
    ['python_version >= "3.9" and python_version < "3.10"', 'python_version == "3.9"'],
    ['python_version < "3.9" or python_version >= "3.10"', 'python_version != "3.9"'],
    ['python_full_version >= "3.9.0" and python_full_version < "3.10"', 'python_version == "3.9"'],
    ['python_version == "3.10.*"', 'python_version == "3.10"'],
    ['python_version ~= "3.9"', 'python_version >= "3.9" and python_version < "4.0"'],
    [
      'python_full_version ~= "3.9.1"',
      'python_full_version >= "3.9.1" and python_version < "3.10"',
    ],
    ['python_full_version >= "3.13.0rc1"', 'python_version >= "3.13"'],
    ['python_full_version < "3.13.0rc1"', 'python_version < "3.13"'],
    ['python_version > "3.9"', 'python_version >= "3.10"'],
    ['python_version <= "3.9"', 'python_version < "3.10"'],
    ['python_version > "3.9.1"', 'python_version >= "3.10"'],
    ['python_version == "3.9.1"', NOWHERE],
    ['python_version == "3.9.0"', 'python_version == "3.9"'],
    ['python_full_version == "3.9"', 'python_full_version == "3.9.0"'],
    ['python_full_version != "3.9.1"', 'python_full_version != "3.9.1"'],
    ['"3.8" < python_version', 'python_version >= "3.9"'],
    ['"3.8" >= python_version', 'python_version < "3.9"'],
    ['python_version < "1!1.0"', ""],
    ['python_version >= "2!1.0"', NOWHERE],
    ['python_version == "3.9+local"', NOWHERE],
    ['python_version < "abc"', NOWHERE],
    ['python_version != "abc"', ""],
    [
      'sys_platform == "linux" and python_version < "3.10" or sys_platform == "linux" and python_version >= "3.10"',
      'sys_platform == "linux"',
    ],
    [
      'sys_platform == "linux" or sys_platform == "darwin" or os_name == "nt"',
      'os_name == "nt" or sys_platform == "darwin" or sys_platform == "linux"',
    ],
    [
      'sys_platform == "linux" or (sys_platform != "linux" and os_name == "nt")',
      'os_name == "nt" or sys_platform == "linux"',
    ],
    ['os_name < "nt"', NOWHERE],
    ['os_name >= "nt"', 'os_name == "nt"'],
    ['"linux" == sys_platform', 'sys_platform == "linux"'],
    ['"linux" == "sys_platform"', 'sys_platform == "linux"'],
    ["os_name == sys_platform", 'os_name == "sys_platform"'],
    ['extra == "Foo_Bar"', 'extra == "foo-bar"'],
    ['"test" in extras and "test" not in extras', NOWHERE],
    ['"Test" in extras', '"test" in extras'],
    ['"test" == extras', NOWHERE],
    ['extras == "test"', 'extras == "test"'],
    ['platform_machine in "x86_64 aarch64" or platform_machine not in "x86_64 aarch64"', ""],
    [
      'implementation_name == "pypy" and sys_platform == "darwin"',
      'implementation_name == "pypy" and sys_platform == "darwin"',
    ],
    [
      'sys_platform == "darwin" and implementation_name == "pypy"',
      'implementation_name == "pypy" and sys_platform == "darwin"',
    ],
    ['platform_release == "abc" or platform_release != "abc"', ""],
  ];
  for (const [input, expected] of table) {
    assertEquals(String(MarkerSet.parse(input)), expected, input);
  }
});

Deno.test("marker algebra: emptiness, universality, disjointness, implication, equality", () => {
  const p = MarkerSet.parse;
  assert(p('python_version >= "3.9" and python_version < "3.9"').isEmpty());
  assert(p('sys_platform == "win32" or sys_platform != "win32"').isUniversal());
  assert(p('sys_platform == "linux"').isDisjoint(p('sys_platform == "darwin"')));
  assert(!p('sys_platform == "linux"').isDisjoint(p('os_name == "posix"')));
  assert(p('python_version < "3.10"').isDisjoint(p('python_full_version >= "3.10.0"')));
  assert(!p('python_version == "3.10"').isDisjoint(p('python_full_version >= "3.10.1"')));
  assert(p('python_full_version == "3.9"').isDisjoint(p('python_version >= "3.10"')));
  assert(
    p('sys_platform == "linux" and python_version >= "3.11"').implies(p('python_version > "3.8"')),
  );
  assert(!p('python_version >= "3.8"').implies(p('python_version >= "3.9"')));
  assert(p('python_version >= "3.9"').equals(p('"3.9" <= python_version')));
  assert(
    p('os_name == "nt" or os_name == "posix"').equals(
      p('os_name != "nt"').not().or(p('os_name == "posix"')),
    ),
  );
  assert(MarkerSet.TRUE.isUniversal() && MarkerSet.FALSE.isEmpty());
  assert(MarkerSet.of(undefined).isUniversal());
  // Opaque comparisons are independent: sound, not complete.
  assert(!p('platform_release >= "5" and platform_release < "4"').isEmpty());
});

Deno.test("marker algebra: and, or, not", () => {
  const linux = MarkerSet.parse('sys_platform == "linux"');
  const old = MarkerSet.parse('python_version < "3.10"');
  assertEquals(String(linux.and(old)), 'python_version < "3.10" and sys_platform == "linux"');
  assertEquals(String(linux.or(old)), 'python_version < "3.10" or sys_platform == "linux"');
  assertEquals(String(linux.not()), 'sys_platform != "linux"');
  assertEquals(String(linux.and(old).not()), 'python_version >= "3.10" or sys_platform != "linux"');
  assert(linux.or(linux.not()).isUniversal());
  assert(linux.and(linux.not()).isEmpty());
});

Deno.test("marker algebra: fixing extra", () => {
  const marker = MarkerSet.parse(
    'extra == "test" and sys_platform == "win32" or python_version < "3.9"',
  );
  assertEquals(
    String(marker.withExtra("Test")),
    'python_version < "3.9" or sys_platform == "win32"',
  );
  assertEquals(String(marker.withExtra("")), 'python_version < "3.9"');
  assertEquals(String(MarkerSet.parse('extra != "dev"').withExtra("")), "");
  assertEquals(String(MarkerSet.parse('extra == "dev"').withExtra("")), NOWHERE);
});

Deno.test("marker algebra: bounds a Requires-Python already implies are dropped", () => {
  const atLeast39 = MarkerSet.requiresPython(">=3.9");
  const table: [string, string][] = [
    ['python_version >= "3.8" and sys_platform == "linux"', 'sys_platform == "linux"'],
    ['python_version < "3.8" or sys_platform == "linux"', 'sys_platform == "linux"'],
    [
      'python_version < "3.11" and sys_platform == "linux"',
      'python_version < "3.11" and sys_platform == "linux"',
    ],
    ['python_full_version == "3.9"', 'python_full_version <= "3.9.0"'],
    ['python_version >= "3.9"', ""],
    ['python_version < "3.9"', NOWHERE],
  ];
  for (const [input, expected] of table) {
    assertEquals(String(MarkerSet.parse(input).assumingPython(atLeast39)), expected, input);
  }
  const range = MarkerSet.requiresPython(">=3.9,<3.13");
  assertEquals(String(MarkerSet.parse('python_version < "3.13"').assumingPython(range)), "");
  assertEquals(
    String(MarkerSet.parse('python_version >= "3.11"').assumingPython(range)),
    'python_version >= "3.11"',
  );
});

Deno.test("marker algebra: the lowest Python of a set", () => {
  const fork = MarkerSet.parse('python_version < "3.13"').and(MarkerSet.requiresPython(">=3.12"));
  assertEquals(fork.lowestPython(), { version: "3.12", inclusive: true });
  assertEquals(MarkerSet.parse('python_full_version > "3.9.1"').lowestPython(), {
    version: "3.9.1",
    inclusive: false,
  });
  assertEquals(MarkerSet.parse('sys_platform == "linux"').lowestPython(), undefined);
  assertEquals(MarkerSet.FALSE.lowestPython(), undefined);
});

Deno.test("marker algebra: values are quoted so that they read back", () => {
  for (const value of ['a"b', "a'b", `a'"b`, "a\\b", "tab\there", "line\nbreak"]) {
    const text = `sys_platform == ${quoteMarkerValue(value)}`;
    assert(parseMarker(text).evaluate({ sys_platform: value }), text);
    const set = MarkerSet.parse(text);
    assert(parseMarker(String(set)).evaluate({ sys_platform: value }), String(set));
  }
});

Deno.test("marker algebra: a hostile marker is kept whole, and still evaluates", () => {
  const parts = Array.from(
    { length: 400 },
    (_, i) => `os_name == "n${i}" and sys_platform != "s${i}"`,
  );
  const text = parts.join(" or ");
  const set = MarkerSet.parse(text);
  assert(set.evaluate({ os_name: "n7", sys_platform: "linux" }));
  assert(!set.evaluate({ os_name: "n7", sys_platform: "s7" }));
  assert(parseMarker(String(set)).evaluate({ os_name: "n7", sys_platform: "linux" }));
  // Many independent opaque comparisons in an alternating pattern stay within the node budget.
  const atoms = Array.from(
    { length: 60 },
    (_, i) => `(platform_release == "a${i}" and platform_version == "b${i}")`,
  ).join(" or ");
  const big = MarkerSet.parse(atoms);
  assert(big.evaluate({ platform_release: "a3", platform_version: "b3" }));
  assert(!big.evaluate({ platform_release: "a3", platform_version: "b4" }));
});

Deno.test("marker algebra: properties on generated markers and environments", () => {
  const random = new Random(20261207);
  const environments = Array.from({ length: 60 }, () => generateEnvironment(random));
  const evaluator = (text: string) => {
    const marker = parseMarker(text === "" ? 'python_version >= "0"' : text);
    return (env: object) => {
      try {
        return marker.evaluate(env);
      } catch {
        return undefined;
      }
    };
  };
  for (let round = 0; round < 400; round++) {
    const a = generateAlgebraMarker(random);
    const b = generateAlgebraMarker(random);
    const setA = MarkerSet.parse(a.text);
    const setB = MarkerSet.parse(b.text);
    const printed = String(setA);
    const both = setA.and(setB), either = setA.or(setB), notA = setA.not();
    const atLeast39 = MarkerSet.requiresPython(">=3.9");
    const assumed = setA.assumingPython(atLeast39);
    const evalA = evaluator(a.text), evalB = evaluator(b.text), evalPrinted = evaluator(printed);
    const withExtras = ["", "test"].map((extra) => [extra, setA.withExtra(extra)] as const);
    for (const env of environments) {
      const va = evalA(env), vb = evalB(env);
      if (va === undefined || vb === undefined) continue;
      const where = `${a.text} | ${b.text} | ${JSON.stringify(env)}`;
      assertEquals(setA.evaluate(env), va, `set: ${where}`);
      const vp = evalPrinted(env);
      if (a.exact) assertEquals(vp, va, `printed ${printed}: ${where}`);
      else if (va) assertEquals(vp, true, `printed (wider) ${printed}: ${where}`);
      assertEquals(both.evaluate(env), va && vb, `and: ${where}`);
      assertEquals(either.evaluate(env), va || vb, `or: ${where}`);
      assertEquals(notA.evaluate(env), !va, `not: ${where}`);
      if (setA.isEmpty()) assertEquals(va, false, where);
      if (setA.isUniversal()) assertEquals(va, true, where);
      if (setA.isDisjoint(setB)) assert(!(va && vb), `disjoint: ${where}`);
      if (setA.implies(setB)) assert(!va || vb, `implies: ${where}`);
      const python = env.python_full_version!;
      if (atLeast39.evaluate(env)) {
        assertEquals(assumed.evaluate(env), va, `assuming: ${where} ${python}`);
      }
      for (const [extra, fixedSet] of withExtras) {
        const fixed = fixedSet.evaluate({ ...env, extra: "other" });
        assertEquals(fixed, evalA({ ...env, extra }), `extra ${extra}: ${where}`);
      }
    }
    if (a.exact) {
      assert(
        MarkerSet.parse(printed === "" ? 'python_version >= "0"' : printed).equals(setA),
        printed,
      );
    }
  }
});
