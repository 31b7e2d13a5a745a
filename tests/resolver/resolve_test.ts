/**
 * Python resolution rules: extras, markers, constraints, pre-releases,
 * yanked versions, Requires-Python, installed distributions and upgrade
 * strategies, --no-deps, direct references, limits and progress.
 */

import { canonicalizeName } from "../../lib/names/mod.ts";
import { inMemoryProvider, toMetadata } from "../../lib/resolver/in_memory_provider.ts";
import type { ResolverProvider } from "../../lib/resolver/provider.ts";
import { ResolutionTooLongError, resolve, ResolverInputError } from "../../lib/resolver/resolve.ts";
import { assert, assertEquals, assertRejects, assertStringIncludes } from "../helpers/assert.ts";
import { pins, PY312, report, run } from "./helpers.ts";

// ---- extras ----------------------------------------------------------------

Deno.test("extras: an extra adds its dependencies; names compare PEP 685-normalized", async () => {
  const outcome = await run(["A[Foo_Bar]"], {
    a: { "1.0": { requires: ["b"], extras: { "Foo.Bar": ["c>=2"] } } },
    b: { "1.0": [] },
    c: { "1.0": [], "2.0": [] },
  });
  assertEquals(pins(outcome), ["a[foo-bar]==1.0", "b==1.0", "c==2.0"]);
});

Deno.test("extras: a missing extra is a warning, not a failure", async () => {
  const outcome = await run(["a[nope]"], { a: { "1.0": [] } });
  assertEquals(pins(outcome), ["a==1.0"]);
  assertEquals(outcome.ok && outcome.resolution.warnings, [
    "a 1.0 does not provide the extra 'nope'",
  ]);
});

Deno.test("extras: a failure report mentions an extra the version does not provide", async () => {
  const outcome = await run(["a[fast]", "c"], {
    a: { "1.0": ["b>=2"] },
    b: { "1.0": [], "2.0": [] },
    c: { "1.0": ["b<2"] },
  });
  assertStringIncludes(report(outcome), "hint: a 1.0 does not provide the extra 'fast'");
});

Deno.test("extras: the extra's version follows the base project's", async () => {
  const outcome = await run(["a[x]", "a<2"], {
    a: { "1.0": { extras: { x: ["b"] } }, "2.0": { extras: { x: ["b"] } } },
    b: { "1.0": [] },
  });
  assertEquals(pins(outcome), ["a[x]==1.0", "b==1.0"]);
});

Deno.test("extras: an extra requested by a dependency conflicts like any requirement", async () => {
  const outcome = await run(["a", "c==1.0"], {
    a: { "1.0": ["b[fast]"] },
    b: { "1.0": { extras: { fast: ["c>=2"] } } },
    c: { "1.0": [], "2.0": [] },
  });
  assertEquals(
    report(outcome),
    [
      "Because a==1.0 depends on b[fast], which depends on c>=2, a==1.0 requires c>=2.",
      "So, because you require a and c==1.0, we can conclude that your requirements are unsatisfiable.",
    ].join("\n"),
  );
});

// ---- markers -----------------------------------------------------------------

Deno.test("markers: dependencies and requirements are evaluated for the target", async () => {
  const outcome = await run(["a", "z; sys_platform == 'win32'"], {
    a: {
      "1.0": {
        requires: [
          "b; python_version >= '3.8'",
          "c; sys_platform == 'win32'",
          "d; extra == 'x'",
        ],
        extras: { x: [] },
      },
    },
    b: { "1.0": [] },
    c: { "1.0": [] },
    d: { "1.0": [] },
  });
  assertEquals(pins(outcome), ["a==1.0", "b==1.0"]);
});

Deno.test("markers: an extra's dependency also obeys the rest of its marker", async () => {
  const outcome = await run(["a[x]"], {
    a: { "1.0": { extras: { x: ["b; python_version < '3'", "c"] } } },
    b: { "1.0": [] },
    c: { "1.0": [] },
  });
  assertEquals(pins(outcome), ["a[x]==1.0", "c==1.0"]);
});

// ---- constraints ----------------------------------------------------------------

Deno.test("constraints limit versions and never add projects", async () => {
  const outcome = await run(
    { requirements: ["a"], constraints: ["b<2", "unrelated==1.0"] },
    { a: { "1.0": ["b"] }, b: { "1.0": [], "2.0": [] }, unrelated: { "1.0": [] } },
  );
  assertEquals(pins(outcome), ["a==1.0", "b==1.0"]);
});

Deno.test("constraints appear in failure reports", async () => {
  const outcome = await run(
    { requirements: ["a"], constraints: ["b<2"] },
    { a: { "1.0": ["b>=2"] }, b: { "1.0": [], "2.0": [] } },
  );
  assertStringIncludes(report(outcome), "your constraints allow only b<2");
});

Deno.test("constraints with extras or URLs are rejected", async () => {
  for (const constraint of ["b[x]<2", "b @ https://example.invalid/b-1.0-py3-none-any.whl"]) {
    await assertRejects(
      () =>
        resolve({ requirements: ["a"], constraints: [constraint] }, {
          provider: inMemoryProvider({}),
          environment: PY312,
        }),
      ResolverInputError,
      "constraints cannot",
    );
  }
});

// ---- pre-releases ----------------------------------------------------------------

const withPre = {
  a: { "1.0": [], "2.0b1": [] },
  b: { "1.0a1": [], "1.0a2": [] },
  c: { "1.0": ["a>=2.0b1"] },
};

Deno.test("pre-releases: stable preferred; --pre allows them", async () => {
  assertEquals(pins(await run(["a"], withPre)), ["a==1.0"]);
  assertEquals(pins(await run(["a"], withPre, { prerelease: "allow" })), ["a==2.0b1"]);
});

Deno.test("pre-releases: allowed when your specifier names one", async () => {
  assertEquals(pins(await run(["a>=2.0a1"], withPre)), ["a==2.0b1"]);
  assertEquals(pins(await run({ requirements: ["a"], constraints: ["a>=2.0a1"] }, withPre)), [
    "a==2.0b1",
  ]);
});

Deno.test("pre-releases: allowed when every version is one", async () => {
  assertEquals(pins(await run(["b"], withPre)), ["b==1.0a2"]);
});

Deno.test("pre-releases: a transitive specifier naming one is not enough (uv's rule)", async () => {
  const text = report(await run(["c"], withPre));
  assertStringIncludes(text, "c==1.0 depends on a>=2.0b1, which only matches pre-releases");
  assertStringIncludes(text, "hint: pre-releases of a would satisfy the request (2.0b1)");
});

// ---- yanked ----------------------------------------------------------------------

const yanked = {
  a: { "1.0": [], "2.0": { yanked: "broken build" } },
  b: { "1.0": { yanked: true } },
};

Deno.test("yanked: skipped unless pinned with ==", async () => {
  assertEquals(pins(await run(["a"], yanked)), ["a==1.0"]);
  const pinned = await run(["a==2.0"], yanked);
  assertEquals(pins(pinned), ["a==2.0"]);
  assertEquals(pinned.ok && pinned.resolution.dists[0]!.yanked, { reason: "broken build" });
  assertEquals(pins(await run(["a===2.0"], yanked)), ["a==2.0"]);
});

Deno.test("yanked: a wildcard pin does not count", async () => {
  assertStringIncludes(report(await run(["b==1.*"], yanked)), "was yanked");
});

Deno.test("yanked: the report says so, with the reason", async () => {
  const text = report(await run(["a>=2"], yanked));
  assertStringIncludes(text, "you require a>=2, which was yanked");
  assertStringIncludes(text, "hint: a 2.0 was yanked (reason: broken build)");
});

// ---- Requires-Python ------------------------------------------------------------

const pythons = {
  a: {
    "1.0": { requiresPython: ">=3.8" },
    "2.0": { requiresPython: ">=3.13" },
  },
  b: {
    // Metadata says more than the index page: found only once metadata is read.
    "1.0": [],
    "2.0": { metadataUnavailable: undefined, requires: [], requiresPython: undefined },
  },
};

Deno.test("requires-python: versions that exclude the target are skipped", async () => {
  assertEquals(pins(await run(["a"], pythons)), ["a==1.0"]);
  assertEquals(pins(await run(["a"], pythons, { ignoreRequiresPython: true })), ["a==2.0"]);
  const text = report(await run(["a>=2"], pythons));
  assertStringIncludes(text, "requires Python>=3.13 (the target is 3.12.4)");
  assertStringIncludes(text, "--ignore-requires-python");
});

Deno.test("requires-python: a metadata-only Requires-Python makes the resolver backtrack", async () => {
  const provider = inMemoryProvider({ a: { "1.0": [], "2.0": [] } });
  const outcome = await resolve({ requirements: ["a"] }, {
    environment: PY312,
    provider: {
      ...provider,
      getMetadata: async (name, candidate) => {
        const answer = await provider.getMetadata(name, candidate);
        if (answer.kind === "metadata" && candidate.version === "2.0") {
          return { kind: "metadata", metadata: { ...answer.metadata, requiresPython: ">=4" } };
        }
        return answer;
      },
    },
  });
  assertEquals(outcome.dists.map((dist) => dist.version), ["1.0"]);
});

// ---- unusable files and metadata ----------------------------------------------------

Deno.test("unusable versions: no compatible wheel, unreadable metadata", async () => {
  const outcome = await run(["a"], {
    a: {
      "1.0": [],
      "2.0": { metadataUnavailable: { kind: "metadata", message: "bad zip" } },
      "3.0": { unavailable: { kind: "no-compatible-wheel", tags: ["cp313-cp313-win_amd64"] } },
    },
  });
  assertEquals(pins(outcome), ["a==1.0"]);
  const text = report(
    await run(["a>=2"], {
      a: { "2.0": { metadataUnavailable: { kind: "metadata", message: "bad zip" } } },
    }),
  );
  assertStringIncludes(text, "you require a>=2, which has metadata that cannot be read (bad zip)");
});

// ---- installed distributions and upgrades -----------------------------------------

const upgradeIndex = {
  a: { "1.0": ["b"], "2.0": ["b"] },
  b: { "1.0": [], "2.0": [] },
};
const installed = [
  { name: "a", version: "1.0", metadata: toMetadata({ requires: ["b"] }) },
  { name: "B", version: "1.0", metadata: toMetadata({}) },
];

Deno.test("installed: kept when acceptable", async () => {
  const outcome = await run({ requirements: ["a"], installed }, upgradeIndex);
  assertEquals(pins(outcome), ["a==1.0", "b==1.0"]);
  assert(outcome.ok && outcome.resolution.dists.every((dist) => dist.installed));
});

Deno.test("installed: replaced when it does not satisfy", async () => {
  const outcome = await run({ requirements: ["a>=2"], installed }, upgradeIndex);
  assertEquals(pins(outcome), ["a==2.0", "b==1.0"]);
  assertEquals(outcome.ok && outcome.resolution.dists.map((dist) => dist.installed), [false, true]);
});

Deno.test("installed: --upgrade only-if-needed upgrades what you asked for", async () => {
  const outcome = await run({ requirements: ["a"], installed }, upgradeIndex, { upgrade: true });
  assertEquals(pins(outcome), ["a==2.0", "b==1.0"]);
});

Deno.test("installed: --upgrade eager upgrades everything", async () => {
  const outcome = await run({ requirements: ["a"], installed }, upgradeIndex, {
    upgrade: true,
    upgradeStrategy: "eager",
  });
  assertEquals(pins(outcome), ["a==2.0", "b==2.0"]);
});

Deno.test("installed: ignored with ignoreInstalled", async () => {
  const outcome = await run({ requirements: ["a"], installed }, upgradeIndex, {
    ignoreInstalled: true,
  });
  assertEquals(pins(outcome), ["a==2.0", "b==2.0"]);
  assert(outcome.ok && outcome.resolution.dists.every((dist) => !dist.installed));
});

Deno.test("installed: a version no index has still counts", async () => {
  const outcome = await run({
    requirements: ["a"],
    installed: [{ name: "a", version: "0.5.dev1", metadata: toMetadata({}) }],
  }, { a: { "1.0": ["b"] } });
  assertEquals(pins(outcome), ["a==0.5.dev1"]);
});

// ---- --no-deps, direct references, cycles --------------------------------------------

Deno.test("--no-deps resolves your requirements only", async () => {
  const outcome = await run(["a[x]"], {
    a: { "1.0": { requires: ["b"], extras: { x: ["c"] } } },
  }, { noDeps: true });
  assertEquals(pins(outcome), ["a[x]==1.0"]);
});

Deno.test("cycles and self-dependencies resolve", async () => {
  const outcome = await run(["a"], {
    a: { "1.0": ["b", "a"] },
    b: { "1.0": ["a==1.0"] },
  });
  assertEquals(pins(outcome), ["a==1.0", "b==1.0"]);
});

function directProvider(): ResolverProvider<{ url: string; name: string }> {
  const base = inMemoryProvider({ b: { "1.0": ["a>=2"] } });
  return {
    ...base,
    getDirectMetadata: (name, url) =>
      Promise.resolve({
        kind: "metadata",
        version: "1.5",
        metadata: toMetadata({}),
        source: { url, name },
      }),
  };
}

Deno.test("direct references pin the project to the archive's version", async () => {
  const resolution = await resolve({
    requirements: ["a @ https://example.invalid/a-1.5-py3-none-any.whl"],
  }, { provider: directProvider(), environment: PY312 });
  assertEquals(resolution.dists.map((dist) => [dist.name, dist.version, dist.url]), [
    ["a", "1.5", "https://example.invalid/a-1.5-py3-none-any.whl"],
  ]);
});

Deno.test("direct references conflict with specifiers that exclude them", async () => {
  const error = await assertRejects(() =>
    resolve({
      requirements: ["a @ https://example.invalid/a-1.5-py3-none-any.whl", "b"],
    }, { provider: directProvider(), environment: PY312 })
  );
  assertStringIncludes(
    String((error as { text?: string }).text),
    "Because you require b, which depends on a>=2, but your direct reference " +
      "https://example.invalid/a-1.5-py3-none-any.whl pins a to 1.5, we can conclude",
  );
});

// ---- limits, progress, prefetch ---------------------------------------------------------

Deno.test("a round limit stops a long resolution with a clear error", async () => {
  const range = Array.from({ length: 50 }, (_, i) => i);
  const a = Object.fromEntries(range.map((i) => [`${i}.0`, [`c==${i}`]]));
  const b = Object.fromEntries(range.map((i) => [`${i}.0`, [`c==${i + 100}`]]));
  const c = Object.fromEntries(range.flatMap((i) => [[`${i}`, []], [`${i + 100}`, []]]));
  await assertRejects(
    () =>
      resolve({ requirements: ["a", "b"] }, {
        provider: inMemoryProvider({ a, b, c }),
        environment: PY312,
        maxRounds: 3,
      }),
    ResolutionTooLongError,
    "Resolution gave up after 3 rounds",
  );
});

Deno.test("the reporter hears each decision", async () => {
  const events: string[] = [];
  await resolve({ requirements: ["a"] }, {
    provider: inMemoryProvider(upgradeIndex),
    environment: PY312,
    reporter: {
      onDecision: ({ name, version, tries }) => events.push(`${name}==${version}#${tries}`),
    },
  });
  assertEquals(events, ["a==2.0#1", "b==2.0#1"]);
});

Deno.test("metadata is prefetched in parallel, so the requests in flight track width not depth", async () => {
  const width = 30;
  const index: Record<string, Record<string, string[]>> = {
    root: { "1.0": Array.from({ length: width }, (_, i) => `p${i}`) },
  };
  for (let i = 0; i < width; i++) index[`p${i}`] = { "1.0": [`q${i}`] };
  for (let i = 0; i < width; i++) index[`q${i}`] = { "1.0": [] };
  const provider = inMemoryProvider(index, { latencyMs: 25 });
  // Counted, not timed: serially one request would be in flight at a time.
  let inFlight = 0;
  let most = 0;
  const counting = {
    ...provider,
    async getMetadata(...args: Parameters<typeof provider.getMetadata>) {
      most = Math.max(most, ++inFlight);
      try {
        return await provider.getMetadata(...args);
      } finally {
        inFlight--;
      }
    },
  };
  const resolution = await resolve({ requirements: ["root"] }, {
    provider: counting,
    environment: PY312,
    concurrency: 64,
  });
  assertEquals(resolution.dists.length, 1 + 2 * width);
  assert(most >= width, `at most ${most} metadata requests were in flight at once`);
  assertEquals(provider.requests.filter((r) => r.startsWith("metadata")).length, 1 + 2 * width);
  assertEquals(canonicalizeName("P0"), "p0");
});
