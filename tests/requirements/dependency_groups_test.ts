import {
  DependencyGroupError,
  dependencyGroupRequirements,
  normalizeGroupName,
  parseGroupOption,
} from "../../lib/requirements/dependency_groups.ts";
import { formatToml, type TomlWriteValue } from "../../lib/lock/toml_writer.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";
import { pip26, runPip26Json } from "../helpers/pip26.ts";
import { skipUnless } from "../helpers/python.ts";
import { Random } from "../helpers/random.ts";

const resolve = (text: string, groups: string[]) =>
  dependencyGroupRequirements(text, { path: "pyproject.toml", groups });

Deno.test("dependency groups follow include-group, with names normalized", () => {
  const text = `[dependency-groups]
Test = ["pytest>=8", {include-group = "typing_Stuff"}]
typing-stuff = ["mypy", "types-requests ; python_version < '3.12'"]
`;
  assertEquals(resolve(text, ["test"]), [
    "pytest>=8",
    "mypy",
    'types-requests; python_version < "3.12"',
  ]);
  assertEquals(normalizeGroupName("A__b.-C"), "a-b-c");
});

Deno.test("dependency groups: unknown group, include cycle, bad table: one line naming the file", () => {
  const cases: [string, string[], string][] = [
    [
      '[dependency-groups]\na = ["x"]',
      ["b"],
      "[dependency-groups] resolution failed for 'b' from 'pyproject.toml': Dependency group 'b' not found",
    ],
    [
      '[dependency-groups]\na = [{include-group = "b"}]\nb = [{include-group = "a"}]',
      ["a"],
      "[dependency-groups] resolution failed for 'a' from 'pyproject.toml': Cyclic dependency group include while resolving a: a -> b, b -> a",
    ],
    [
      '[dependency-groups]\na = [{include-group = "a"}]',
      ["a"],
      "[dependency-groups] resolution failed for 'a' from 'pyproject.toml': Cyclic dependency group include while resolving a: a includes itself",
    ],
    [
      "[project]\nname = 'x'",
      ["a"],
      "[dependency-groups] table was missing from 'pyproject.toml'. Cannot resolve '--group' option.",
    ],
    [
      '[dependency-groups]\nA = ["x"]\na = ["y"]',
      ["a"],
      "[dependency-groups] data was invalid in pyproject.toml: Duplicate dependency group names: a (A, a)",
    ],
  ];
  for (const [text, groups, message] of cases) {
    const error = assertThrows(() => resolve(text, groups), DependencyGroupError);
    assertEquals(error.message, message);
  }
});

Deno.test("parseGroupOption() splits at the last colon and wants a pyproject.toml path", () => {
  assertEquals(parseGroupOption("a/pyproject.toml:dev"), {
    path: "a/pyproject.toml",
    group: "dev",
  });
  assertEquals(parseGroupOption("dev"), { path: "pyproject.toml", group: "dev" });
  assertThrows(() => parseGroupOption("setup.cfg:dev"), DependencyGroupError);
});

const NAMES = ["a", "b", "c", "A", "b_", "C.c"];

function randomTable(random: Random): Record<string, TomlWriteValue> {
  const table: Record<string, TomlWriteValue> = {};
  for (let n = random.int(1, 4); n > 0; n--) {
    const items: TomlWriteValue[] = [];
    for (let k = random.int(0, 3); k > 0; k--) {
      items.push(random.pick<TomlWriteValue>([
        "requests>=2",
        "flask[async] ; python_version >= '3.8'",
        "Django==4.*",
        { "include-group": random.pick(NAMES) },
        { "include-group": 3 },
        { "include-group": "a", extra: "x" },
        { other: "a" },
        5,
        ["x"],
      ]));
    }
    table[random.pick(NAMES)] = random.chance(0.1)
      ? random.pick<TomlWriteValue>(["x", 3, {}])
      : items;
  }
  return table;
}

const oracle = await pip26();

Deno.test({
  name: "dependency groups resolve (or fail) as pip 26 resolves them, for 1,500 generated tables",
  ignore: skipUnless(oracle, "the pip 26 oracle (../shared/oracles/pip26) and Python 3.11"),
  fn: async () => {
    const random = new Random(735);
    const cases = Array.from({ length: 1500 }, () => ({
      text: formatToml({ "dependency-groups": randomTable(random) }),
      groups: Array.from({ length: random.int(1, 2) }, () => random.pick(NAMES)),
    }));
    const expected = await runPip26Json<{ ok?: string[]; error?: string }[]>(
      oracle!,
      `import json, sys, os, tempfile
from pip._internal.req.req_dependency_group import parse_dependency_groups
from pip._internal.exceptions import InstallationError
out = []
here = tempfile.mkdtemp()
os.chdir(here)
for case in json.load(sys.stdin):
    with open("pyproject.toml", "w") as f:
        f.write(case["text"])
    try:
        out.append({"ok": parse_dependency_groups([("pyproject.toml", g) for g in case["groups"]])})
    except InstallationError as e:
        out.append({"error": str(e)})
print(json.dumps(out))`,
      cases,
    );
    cases.forEach((item, i) => {
      const want = expected[i]!;
      let got: { ok?: string[]; error?: string };
      try {
        got = { ok: resolve(item.text, item.groups) };
      } catch (error) {
        if (!(error instanceof DependencyGroupError)) throw error;
        got = { error: error.message };
      }
      assertEquals(got, want, `${item.text}\n${item.groups}`);
    });
  },
});
