/** Universal resolution: forks, Requires-Python splits, reachability and preferences. */

import type { PackageName } from "../../lib/names/mod.ts";
import { parseRequirement } from "../../lib/pep508/mod.ts";
import { MarkerSet } from "../../lib/pep508/marker_algebra.ts";
import { ForkScope, ForkSplit, pythonFloor, siblingParts } from "../../lib/resolver/forks.ts";
import { inMemoryProvider } from "../../lib/resolver/in_memory_provider.ts";
import { ResolutionImpossibleError, ResolutionTooLongError } from "../../lib/resolver/mod.ts";
import { reachability } from "../../lib/resolver/reachability.ts";
import type { ResolvedDist } from "../../lib/resolver/resolve.ts";
import { resolveUniversal, TooManyForksError } from "../../lib/resolver/universal.ts";
import { assert, assertEquals, assertRejects, assertThrows } from "../helpers/assert.ts";

const parse = (text: string) => parseRequirement(text);
const texts = (sets: readonly MarkerSet[]) => sets.map(String);

Deno.test("pythonFloor reads a Requires-Python by its lower bound", () => {
  assertEquals(String(pythonFloor(">=3.9,<4")), 'python_version >= "3.9"');
  assertEquals(String(pythonFloor(">3.8")), 'python_full_version > "3.8.0"');
  assert(pythonFloor("<4").isUniversal());
  assert(pythonFloor("not a specifier").isUniversal());
});

Deno.test("siblingParts: differing requirements on one project divide the fork, remainder last", () => {
  const parts = siblingParts(MarkerSet.TRUE, [
    parse('b>=2; sys_platform == "linux"'),
    parse('b<2; sys_platform == "darwin"'),
    parse("c"),
  ], "");
  assertEquals(texts(parts), [
    'sys_platform == "darwin"',
    'sys_platform == "linux"',
    'sys_platform != "darwin" and sys_platform != "linux"',
  ]);
});

Deno.test("siblingParts: no split for one requirement, equal requirements, or markers the fork decides", () => {
  const linux = MarkerSet.parse('sys_platform == "linux"');
  assertEquals(texts(siblingParts(MarkerSet.TRUE, [parse('b; sys_platform == "win32"')], "")), [
    "",
  ]);
  assertEquals(
    texts(siblingParts(MarkerSet.TRUE, [
      parse('b>=2; sys_platform == "linux"'),
      parse('b>=2; sys_platform == "darwin"'),
    ], "")),
    [""],
  );
  assertEquals(
    texts(siblingParts(linux, [
      parse('b>=2; sys_platform == "linux"'),
      parse('b<2; sys_platform == "darwin"'),
    ], "")),
    ['sys_platform == "linux"'],
  );
});

Deno.test("siblingParts reads markers with the extra fixed", () => {
  const parts = siblingParts(MarkerSet.TRUE, [
    parse('b>=2; extra == "x" and os_name == "nt"'),
    parse('b<2; extra == "x" and os_name != "nt"'),
  ], "x");
  assertEquals(texts(parts), ['os_name != "nt"', 'os_name == "nt"']);
  assertEquals(
    texts(siblingParts(MarkerSet.TRUE, [
      parse('b>=2; extra == "x" and os_name == "nt"'),
      parse('b<2; extra == "x" and os_name != "nt"'),
    ], "")),
    [""],
  );
});

Deno.test("ForkScope: a Requires-Python cutting through the fork splits it; one beyond it does not", () => {
  const scope = new ForkScope(MarkerSet.requiresPython(">=3.8"));
  assert(scope.admitsPython(">=3.10"));
  assert(!new ForkScope(MarkerSet.requiresPython("<3.9")).admitsPython(">=3.10"));
  let split: ForkSplit | undefined;
  try {
    scope.inspect({
      name: "a",
      version: "2",
      extra: "",
      requiresPython: ">=3.10",
      requirements: [],
    });
  } catch (error) {
    split = error as ForkSplit;
  }
  assert(split instanceof ForkSplit);
  assertEquals(texts(split.parts), [
    'python_version >= "3.10"',
    'python_version >= "3.8" and python_version < "3.10"',
  ]);
  scope.inspect({ name: "a", version: "1", extra: "", requiresPython: ">=3.7", requirements: [] });
});

Deno.test("ForkScope: a requirement applies where its marker meets the fork", () => {
  const scope = new ForkScope(MarkerSet.parse('sys_platform == "linux"'));
  assert(scope.applies(parse('a; sys_platform == "linux" or os_name == "nt"').marker!, ""));
  assert(!scope.applies(parse('a; sys_platform == "win32"').marker!, ""));
  assert(scope.addedByExtra(parse('a; extra == "x"').marker!, "x"));
  assert(!scope.addedByExtra(parse('a; extra == "x"').marker!, "y"));
  assert(!scope.addedByExtra(parse('a; os_name == "nt"').marker!, "x"));
});

function dist(name: string, requires: string[], extras: string[] = []): ResolvedDist {
  return {
    name: name as ResolvedDist["name"],
    version: "1",
    extras: extras as ResolvedDist["extras"],
    requested: false,
    installed: false,
    metadata: { requiresDist: requires, providesExtra: extras },
  };
}

Deno.test("reachability: markers and along paths, or across them; extras reach their base", () => {
  const reached = reachability(
    [
      dist("a", ['b; sys_platform == "win32"', 'c[x]; os_name == "nt"']),
      dist("b", ['d; python_version >= "3.10"']),
      dist("c", ['e; extra == "x"', 'f; extra == "y"'], ["x"]),
      dist("d", ["a"]),
      dist("e", []),
      dist("f", []),
    ],
    [parse("a")],
    MarkerSet.TRUE,
  );
  const where = Object.fromEntries([...reached].map(([name, set]) => [name, String(set)]));
  assertEquals(where, {
    a: "",
    b: 'sys_platform == "win32"',
    c: 'os_name == "nt"',
    d: 'python_version >= "3.10" and sys_platform == "win32"',
    e: 'os_name == "nt"',
    f: 'python_version < "0"',
  });
});

Deno.test("universal: a project needing different versions per Python forks on Requires-Python", async () => {
  const provider = inMemoryProvider({
    app: { "1.0": ["lib"] },
    lib: {
      "3.0": { requiresPython: ">=3.10" },
      "2.0": { requiresPython: ">=3.9" },
      "1.0": { requiresPython: ">=3.7" },
    },
  });
  const resolution = await resolveUniversal({ requirements: ["app"] }, {
    provider,
    requiresPython: ">=3.8",
  });
  assertEquals(resolution.dists.map((d) => `${d.name} ${d.version}: ${d.marker}`), [
    "app 1.0: ",
    'lib 1.0: python_version < "3.9"',
    'lib 2.0: python_version == "3.9"',
    'lib 3.0: python_version >= "3.10"',
  ]);
  // Every listing and metadata was asked for once, across the forks.
  assertEquals(provider.requests.length, new Set(provider.requests).size);
});

Deno.test("universal: a platform-only dependency carries its marker; preferences keep one version", async () => {
  const resolution = await resolveUniversal({ requirements: ["ipython"] }, {
    provider: inMemoryProvider({
      ipython: {
        "8.0": [
          'colorama; sys_platform == "win32"',
          "traitlets",
          'appnope; sys_platform == "darwin"',
        ],
      },
      colorama: { "0.4.6": [] },
      appnope: { "0.1.4": [] },
      traitlets: { "5.0": [] },
    }),
    requiresPython: ">=3.8",
  });
  assertEquals(resolution.forks.length, 1);
  assertEquals(resolution.dists.map((d) => `${d.name} ${d.version}: ${d.marker}`), [
    'appnope 0.1.4: sys_platform == "darwin"',
    'colorama 0.4.6: sys_platform == "win32"',
    "ipython 8.0: ",
    "traitlets 5.0: ",
  ]);
});

Deno.test("universal: the environments given limit the forks; markers leave out the limits", async () => {
  const resolution = await resolveUniversal({ requirements: ["a"] }, {
    provider: inMemoryProvider({
      a: { "1": ['b>=2; sys_platform == "linux"', 'b<2; sys_platform == "win32"'] },
      b: { "1": [], "2": [] },
    }),
    requiresPython: ">=3.8",
    platform: { sys_platform: "linux" },
  });
  assertEquals(resolution.dists.map((d) => `${d.name} ${d.version}: ${d.marker}`), [
    "a 1: ",
    "b 2: ",
  ]);
});

Deno.test("universal: a fork without a resolution fails the whole; too many forks is an error", async () => {
  await assertRejects(
    () =>
      resolveUniversal({ requirements: ['a>=2; os_name == "nt"', 'a<2; os_name != "nt"'] }, {
        provider: inMemoryProvider({ a: { "2": [] } }),
        requiresPython: ">=3.8",
      }),
    ResolutionImpossibleError,
  );
  await assertRejects(
    () =>
      resolveUniversal({ requirements: ['a>=2; os_name == "nt"', 'a<2; os_name != "nt"'] }, {
        provider: inMemoryProvider({ a: { "1": [], "2": [] } }),
        requiresPython: ">=3.8",
        maxForks: 1,
      }),
    TooManyForksError,
  );
});

Deno.test("siblingParts refuses to divide a fork into more than MAX_PARTS parts", () => {
  // Nine requirements on one project under independent markers: 2^9 combinations.
  const requirements = Array.from(
    { length: 9 },
    (_, i) => parse(`b>=${i + 1}; platform_release == "r${i}" or os_name == "o${i}"`),
  );
  assertThrows(() => siblingParts(MarkerSet.TRUE, requirements, ""), TooManyForksError);
});

Deno.test("universal: the resolution timeout bounds every fork together", async () => {
  await assertRejects(
    () =>
      resolveUniversal({ requirements: ['a>=2; os_name == "nt"', 'a<2; os_name != "nt"'] }, {
        provider: inMemoryProvider({ a: { "1": [], "2": [] } }, { latencyMs: 20 }),
        requiresPython: ">=3.8",
        timeoutMs: 1,
      }),
    ResolutionTooLongError,
  );
});

Deno.test("universal: preferences (an earlier output's pins) are tried first where they fit", async () => {
  const provider = inMemoryProvider({
    app: { "1.0": ["lib"] },
    lib: { "1.0": [], "2.0": [], "3.0": { requiresPython: ">=3.12" } },
  });
  const resolution = await resolveUniversal({ requirements: ["app"] }, {
    provider,
    requiresPython: ">=3.8",
    preferences: new Map([["lib" as PackageName, "2.0"]]),
  });
  assertEquals(resolution.dists.map((d) => `${d.name} ${d.version}: ${d.marker}`), [
    "app 1.0: ",
    "lib 2.0: ",
  ]);
});

Deno.test("universal: a constraint with a marker limits versions only where it holds", async () => {
  // Without the split, lib<2 (the constraint) and lib>=2 (newer's) would meet in one fork.
  const resolution = await resolveUniversal({
    requirements: ["app"],
    constraints: ['lib<2; python_version < "3.10"'],
  }, {
    provider: inMemoryProvider({
      app: { "1.0": ["lib", 'newer; python_version >= "3.10"'] },
      newer: { "1.0": ["lib>=2"] },
      lib: { "1.0": [], "2.0": [] },
    }),
    requiresPython: ">=3.8",
  });
  assertEquals(resolution.dists.map((d) => `${d.name} ${d.version}: ${d.marker}`), [
    "app 1.0: ",
    'lib 1.0: python_version < "3.10"',
    'lib 2.0: python_version >= "3.10"',
    'newer 1.0: python_version >= "3.10"',
  ]);
});

Deno.test("universal: a project named by a direct reference comes from it in every fork, with its marker", async () => {
  const index = inMemoryProvider({
    // app forks on the platform: Windows and the rest resolve apart.
    app: {
      "1.0": ["shared>=1", 'other>=2; sys_platform == "win32"', 'other<2; sys_platform != "win32"'],
    },
    shared: { "1.0": [], "2.0": [] },
    other: { "1.0": [], "2.0": [] },
    winlib: { "1.0": [] },
  });
  const url = "https://example.org/shared-1.5-py3-none-any.whl";
  const direct: string[] = [];
  const provider = {
    ...index,
    getDirectMetadata: (name: PackageName, at: string) => {
      direct.push(`${name} ${at}`);
      return Promise.resolve({
        kind: "metadata" as const,
        version: "1.5",
        metadata: { requiresDist: ['winlib; sys_platform == "win32"'], providesExtra: [] },
        source: undefined as never,
      });
    },
  };
  // The reference applies on Linux only, but app needs shared in every fork: the reference wins.
  const resolution = await resolveUniversal({
    requirements: ["app", `shared @ ${url} ; sys_platform == "linux"`],
  }, { provider, requiresPython: ">=3.8" });
  assertEquals(
    resolution.dists.map((d) => `${d.name} ${d.version} ${d.url ?? "-"}: ${d.marker}`),
    [
      "app 1.0 -: ",
      'other 1.0 -: sys_platform != "win32"',
      'other 2.0 -: sys_platform == "win32"',
      `shared 1.5 ${url}: `,
      'winlib 1.0 -: sys_platform == "win32"',
    ],
  );
  assertEquals(resolution.forks.length, 2);
  // Its metadata was read once for all forks.
  assertEquals(direct, [`shared ${url}`]);
  // Two references to one project are refused.
  await assertRejects(() =>
    resolveUniversal({
      requirements: [`shared @ ${url}`, "shared @ https://example.org/shared-2.0-py3-none-any.whl"],
    }, { provider, requiresPython: ">=3.8" })
  );
});
