import {
  activeDependencies,
  markerHolds,
  parseDependencies,
} from "../../lib/operations/requires_dist.ts";
import { DEFAULT_MARKER_ENVIRONMENT } from "../../lib/pep508/mod.ts";
import { assertEquals } from "../helpers/assert.ts";

const interpreter = { markerEnvironment: DEFAULT_MARKER_ENVIRONMENT };

/** `Requires-Dist` lines, the usual ones and the ones a shortcut could get wrong. */
const LINES = [
  "plain>=1",
  'extra-only>=2; extra == "test"',
  "single-quoted; extra=='Test_Suite'",
  'spaced ;  extra  ==  "docs"  ',
  'folded-name; extra == "Socks.Proxy"',
  'empty-extra; extra == ""',
  'with-python; python_version >= "3" and extra == "test"',
  'parenthesized; (extra == "test")',
  'reversed; "test" == extra',
  'not-equal; extra != "test"',
  'either; extra == "test" or extra == "docs"',
  'url @ https://example.com/u.whl ; extra == "test"',
  'url-with-marker-text @ https://example.com/a;extra=="test"',
  'bad name!; extra == "test"',
  "bad name without marker!",
  'bad-marker; extra == "test" and',
  'platform; sys_platform == "win32"',
  'extras[a,b]>=1; extra == "test"',
];

for (
  const extras of [[], ["test"], ["TEST"], ["docs"], ["test-suite"], ["socks-proxy"], [
    "test",
    "docs",
  ]]
) {
  Deno.test(
    `activeDependencies: the same as parsing every line and evaluating its marker (extras ${
      JSON.stringify(extras)
    })`,
    () => {
      const expected = parseDependencies(LINES).filter((requirement) =>
        markerHolds(requirement, interpreter, extras)
      );
      assertEquals(
        activeDependencies(LINES, interpreter, extras).map(String),
        expected.map(String),
      );
    },
  );
}

Deno.test("activeDependencies: an extra's dependencies only when it is asked for", () => {
  const lines = ["a", 'b; extra == "test"', "c; extra == 'Docs'"];
  assertEquals(activeDependencies(lines, interpreter, []).map(String), ["a"]);
  assertEquals(activeDependencies(lines, interpreter, ["docs"]).map(String), [
    "a",
    'c; extra == "docs"',
  ]);
});
