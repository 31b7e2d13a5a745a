/**
 * The resolver's seams: interned package ids, the derivation tree carried by
 * the impossible-resolution error (data, rendered separately), a solver
 * generic over its package ids, and providers' sources handed back typed.
 */

import { canonicalizeExtra, canonicalizeName } from "../../lib/names/mod.ts";
import { inMemoryProvider, toMetadata } from "../../lib/resolver/in_memory_provider.ts";
import { PackageIds, packageLabel, ROOT_ID } from "../../lib/resolver/package_id.ts";
import type { ResolverProvider } from "../../lib/resolver/provider.ts";
import { solve } from "../../lib/resolver/pubgrub/solver.ts";
import { Universe, VersionSet } from "../../lib/resolver/pubgrub/version_set.ts";
import { formatFailureText, renderDerivation } from "../../lib/resolver/report.ts";
import { resolve } from "../../lib/resolver/resolve.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { PY312, run } from "./helpers.ts";

Deno.test("package ids are interned: one object per project and per project with an extra", () => {
  const ids = new PackageIds();
  const a = canonicalizeName("A_b");
  const x = canonicalizeExtra("X.y");
  assert(ids.package(a) === ids.package(a));
  assert(ids.extra(a, x) === ids.extra(a, x));
  assert((ids.package(a) as unknown) !== ids.extra(a, x));
  assertEquals(
    [ROOT_ID, ids.package(a), ids.extra(a, x)].map(packageLabel),
    ["your requirements", "a-b", "a-b[x-y]"],
  );
});

Deno.test("the impossible-resolution error carries the derivation tree as data", async () => {
  const outcome = await run(["a[fast]", "c"], {
    a: { "1.0": ["b>=2"] },
    b: { "1.0": [], "2.0": [] },
    c: { "1.0": ["b<2"] },
  });
  assert(!outcome.ok);
  const tree = outcome.error.derivation;
  assert(tree.failure.isFailure(ROOT_ID));
  assertEquals(tree.missingExtras.map((m) => [m.name, m.extra, m.versions.join()].join(" ")), [
    "a fast 1.0",
  ]);
  assertEquals([tree.notFound.size, tree.directReferences.size], [0, 0]);
  // Rendering is a separate step over the data: the error's text is that rendering.
  assertEquals(formatFailureText(renderDerivation(tree)), outcome.report);
  assertEquals(outcome.error.report, renderDerivation(tree));
});

Deno.test("the derivation names the projects no index knows, with similar names", async () => {
  const outcome = await run(["missing-projekt"], { "missing-project": { "1.0": [] } });
  assert(!outcome.ok);
  assertEquals([...outcome.error.derivation.notFound].map(String), [
    "missing-projekt,missing-project",
  ]);
});

Deno.test("the derivation names your direct references", async () => {
  const url = "https://example.invalid/a-1.5-py3-none-any.whl";
  const base = inMemoryProvider({ b: { "1.0": ["a>=2"] } });
  const provider: ResolverProvider<string> = {
    ...base,
    getDirectMetadata: () =>
      Promise.resolve({ kind: "metadata", version: "1.5", metadata: toMetadata({}), source: url }),
  };
  const error = await resolve({ requirements: [`a @ ${url}`, "b"] }, {
    provider,
    environment: PY312,
  }).then(() => undefined, (error) => error);
  assertEquals([...error.derivation.directReferences], [["a", url]]);
});

Deno.test("a provider's source comes back in the resolution with its type", async () => {
  const base = inMemoryProvider({ a: { "1.0": [], "2.0": [] } });
  const provider: ResolverProvider<{ file: string }> = {
    listVersions: async (name) => {
      const listing = await base.listVersions(name);
      if (listing.kind !== "found") return listing;
      return {
        kind: "found",
        candidates: listing.candidates.map((candidate) => ({
          ...candidate,
          source: { file: `${name}-${candidate.version}.whl` },
        })),
      };
    },
    getMetadata: (name, candidate) => base.getMetadata(name, { version: candidate.version }),
  };
  const resolution = await resolve({ requirements: ["a<2"] }, { provider, environment: PY312 });
  assertEquals(resolution.dists.map((dist) => dist.source?.file), ["a-1.0.whl"]);
});

Deno.test("the solver is generic over its package ids (strings here)", async () => {
  const universes = new Map([["root", new Universe(["root"])], ["a", new Universe(["1", "2"])]]);
  const result = await solve("root", universes.get("root")!, {
    chooseVersion: (_id, allowed) =>
      Promise.resolve({ kind: "version", index: Math.max(...allowed.indices()) }),
    getDependencies: (id) =>
      Promise.resolve({
        kind: "dependencies",
        dependencies: id === "root"
          ? [{ package: "a", set: VersionSet.singleton(universes.get("a")!, 0) }]
          : [],
      }),
    priority: () => [0],
  });
  assertEquals(result.kind === "solution" ? [...result.decisions] : result.kind, [
    ["root", 0],
    ["a", 0],
  ]);
});
