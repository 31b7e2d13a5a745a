/**
 * `dependencyTree` and its text (`formatTree`) on hand-made environments:
 * roots, extras followed, markers, missing and conflicting requirements,
 * cycles, repeated subtrees, `--depth`, `--reverse` and named roots.
 */

import { formatTree } from "../../lib/cli/commands/tree.ts";
import { parseEmailMessage } from "../../lib/installer/metadata_file.ts";
import { InstalledDist } from "../../lib/installer/site_packages.ts";
import type { PackageName } from "../../lib/names/mod.ts";
import { dependencyTree, type TreeOptions } from "../../lib/operations/tree.ts";
import { assertEquals } from "../helpers/assert.ts";
import { type FakeDist, installedDists, TEST_ENVIRONMENT } from "../helpers/installed.ts";

function drawn(dists: readonly FakeDist[], options: TreeOptions = {}): string[] {
  const env = installedDists(dists);
  try {
    return formatTree(dependencyTree(env.dists, TEST_ENVIRONMENT, options));
  } finally {
    env.done();
  }
}

const FLASK: FakeDist[] = [
  {
    name: "Flask",
    version: "2.2.2",
    requires: [
      "Werkzeug>=2.2.2",
      "Jinja2>=3.0",
      "itsdangerous>=2.0",
      "click>=8.0",
      'importlib-metadata>=3.6.0; python_version < "3.10"',
      'asgiref>=3.2; extra == "async"',
    ],
    extras: ["async"],
  },
  { name: "Werkzeug", version: "2.2.2", requires: ["MarkupSafe>=2.1.1"] },
  { name: "Jinja2", version: "3.1.2", requires: ["MarkupSafe>=2.0"] },
  { name: "MarkupSafe", version: "2.1.3" },
  { name: "itsdangerous", version: "2.1.2" },
  { name: "click", version: "8.1.7" },
];

Deno.test("tree: top-level packages with their dependencies, markers evaluated, shared subtrees marked", () => {
  assertEquals(drawn(FLASK), [
    "Flask v2.2.2",
    "├── click v8.1.7",
    "├── itsdangerous v2.1.2",
    "├── Jinja2 v3.1.2",
    "│   └── MarkupSafe v2.1.3",
    "└── Werkzeug v2.2.2",
    "    └── MarkupSafe v2.1.3",
  ]);
  const shared = drawn([
    { name: "a", version: "1", requires: ["c"] },
    { name: "b", version: "1", requires: ["c"] },
    { name: "c", version: "1", requires: ["d"] },
    { name: "d", version: "1" },
  ]);
  assertEquals(shared, [
    "a v1",
    "└── c v1",
    "    └── d v1",
    "b v1",
    "└── c v1 (*)",
    "(*) Package tree already displayed",
  ]);
});

Deno.test("tree: missing and conflicting requirements are marked with what is required", () => {
  assertEquals(
    drawn([
      { name: "app", version: "1.0", requires: ["lib>=2", "gone>=1.5", "plain"] },
      { name: "lib", version: "1.0" },
    ]),
    [
      "app v1.0",
      "├── gone [required: >=1.5] (not installed)",
      "├── lib v1.0 [required: >=2] (conflict)",
      "└── plain (not installed)",
    ],
  );
});

Deno.test("tree: extras are followed, from requirements and from the names asked for", () => {
  const dists: FakeDist[] = [
    { name: "app", version: "1", requires: ["lib[fast]>=1"] },
    {
      name: "lib",
      version: "1",
      requires: ['speedup; extra == "fast"', 'docs-thing; extra == "docs"', "base"],
      extras: ["fast", "docs"],
    },
    { name: "speedup", version: "2" },
    { name: "base", version: "3" },
    { name: "docs-thing", version: "4" },
  ];
  assertEquals(drawn(dists), [
    "app v1",
    "└── lib[fast] v1",
    "    ├── base v3",
    "    └── speedup v2",
    "docs-thing v4",
  ]);
  assertEquals(drawn(dists, { names: ["lib[docs]"] }), [
    "lib[docs] v1",
    "├── base v3",
    "└── docs-thing v4",
  ]);
});

Deno.test("tree: an extra that requires its own project's other extras widens them", () => {
  assertEquals(
    drawn([
      {
        name: "kit",
        version: "1",
        requires: ['kit[a,b]; extra == "all"', 'x; extra == "a"', 'y; extra == "b"'],
        extras: ["a", "b", "all"],
      },
      { name: "x", version: "1" },
      { name: "y", version: "1" },
    ], { names: ["kit[all]"] }),
    ["kit[all] v1", "├── x v1", "└── y v1"],
  );
});

Deno.test("tree: a cycle is drawn once and marked, even when nothing else requires it", () => {
  const cycle: FakeDist[] = [
    { name: "testtools", version: "2.3.0", requires: ["fixtures>=1", "extras"] },
    { name: "fixtures", version: "3.0.0", requires: ["testtools"] },
    { name: "extras", version: "1.0.0" },
  ];
  assertEquals(drawn(cycle), [
    "fixtures v3.0.0",
    "└── testtools v2.3.0",
    "    ├── extras v1.0.0",
    "    └── fixtures v3.0.0 (cycle)",
  ]);
  const env = installedDists(cycle);
  try {
    assertEquals(dependencyTree(env.dists, TEST_ENVIRONMENT).cycles, [[
      "fixtures",
      "testtools",
      "fixtures",
    ]]);
  } finally {
    env.done();
  }
});

Deno.test("tree: --depth limits the levels below the roots", () => {
  assertEquals(drawn(FLASK, { depth: 0 }), ["Flask v2.2.2"]);
  assertEquals(drawn(FLASK, { depth: 1 }), [
    "Flask v2.2.2",
    "├── click v8.1.7",
    "├── itsdangerous v2.1.2",
    "├── Jinja2 v3.1.2",
    "└── Werkzeug v2.2.2",
  ]);
});

Deno.test("tree: --reverse shows who requires each package, conflicts with what they require", () => {
  assertEquals(drawn(FLASK, { reverse: true }), [
    "click v8.1.7",
    "└── Flask v2.2.2",
    "itsdangerous v2.1.2",
    "└── Flask v2.2.2",
    "MarkupSafe v2.1.3",
    "├── Jinja2 v3.1.2",
    "│   └── Flask v2.2.2",
    "└── Werkzeug v2.2.2",
    "    └── Flask v2.2.2",
  ]);
  assertEquals(
    drawn([
      { name: "app", version: "1.0", requires: ["lib>=2", "gone"] },
      { name: "lib", version: "1.0" },
    ], { reverse: true }),
    [
      "gone (not installed)",
      "└── app v1.0",
      "lib v1.0",
      "└── app v1.0 [requires: lib>=2] (conflict)",
    ],
  );
  assertEquals(drawn(FLASK, { reverse: true, names: ["werkzeug"] }), [
    "Werkzeug v2.2.2",
    "└── Flask v2.2.2",
  ]);
});

Deno.test("tree: names not installed are reported, the others drawn", () => {
  const env = installedDists(FLASK);
  try {
    const tree = dependencyTree(env.dists, TEST_ENVIRONMENT, {
      names: ["nope", "Jinja2", "jinja2"],
    });
    assertEquals(tree.notFound, ["nope"]);
    assertEquals(formatTree(tree), ["Jinja2 v3.1.2", "└── MarkupSafe v2.1.3"]);
  } finally {
    env.done();
  }
});

Deno.test("tree: a chain of 30,000 requirements is drawn without overflowing the stack", () => {
  const count = 30_000;
  const dists = Array.from({ length: count }, (_, i) =>
    new InstalledDist({
      name: `p${i}` as PackageName,
      rawName: `p${i}`,
      version: "1",
      kind: "dist-info",
      location: "/nowhere",
      installedLocation: "/nowhere",
      infoPath: `/nowhere/p${i}-1.dist-info`,
      infoFiles: new Set(["METADATA"]),
      message: parseEmailMessage(
        `Metadata-Version: 2.1\nName: p${i}\nVersion: 1\n` +
          (i + 1 < count ? `Requires-Dist: p${i + 1}\n` : "Requires-Dist: p0\n"),
      ),
    }));
  const tree = dependencyTree(dists, TEST_ENVIRONMENT);
  const lines = formatTree(tree);
  assertEquals(lines.length, count + 1);
  assertEquals(lines.at(-1)!.trimStart(), "└── p0 v1 (cycle)");
  assertEquals(tree.cycles.length, 1);
  assertEquals(tree.cycles[0]!.length, count + 1);
});
