/**
 * The decision order learning from versions rejected at once (uv's conflict
 * tracker, `lib/resolver/pubgrub/solver.ts`): packse's
 * `wrong-backtracking-basic` and `-indirect` in small, the threshold, and
 * rejections between views of one package left uncounted.
 */

import type { InMemoryIndex } from "../../lib/resolver/in_memory_provider.ts";
import {
  CONFLICT_THRESHOLD,
  type ConflictStanding,
  solve,
} from "../../lib/resolver/pubgrub/solver.ts";
import { Universe, VersionSet } from "../../lib/resolver/pubgrub/version_set.ts";
import { assert, assertEquals } from "../helpers/assert.ts";
import { pins, run } from "./helpers.ts";

/** `a` 1.0 and 2.0; `b` 1.0 (needing `too-old`) and `newer` versions 2.0.x that need `a==1.0`. */
function wrongBacktracking(newer: number): InMemoryIndex {
  const b: Record<string, string[]> = { "1.0": ["too-old"] };
  for (let i = 0; i < newer; i++) b[`2.0.${i}`] = ["a==1.0"];
  return { a: { "1.0": [], "2.0": [] }, b, "too-old": { "1.0": [] } };
}

Deno.test("decision order: a project rejected at once five times goes first, and the solver goes back before its culprit", async () => {
  // a is discovered first and decided at 2.0; b 2.0.9, 2.0.8, … each need a==1.0 and are
  // rejected at once. At the fifth, b is to be decided before a, and a 2.0 is undone.
  const outcome = await run(["a", "b"], wrongBacktracking(10));
  assertEquals(pins(outcome), ["a==1.0", "b==2.0.9"]);
  assertEquals(outcome.ok && outcome.resolution.stats.backtracks, 1);
});

Deno.test("decision order: one level down too (packse wrong-backtracking-indirect), as pip 23.2.1, 24.2 and 26 choose", async () => {
  // b's only version needs b-inner, whose new versions need a==1.0. uv's lock of this scenario
  // keeps a 2.0 (it decides the marked-late a before b); dpip decides b first (one usable version).
  const inner: Record<string, string[]> = { "1.0": ["too-old"] };
  for (let i = 0; i < 10; i++) inner[`2.0.${i}`] = ["a==1.0"];
  const outcome = await run(["a", "b"], {
    a: { "1.0": [], "2.0": [] },
    b: { "1.0": ["b-inner"] },
    "b-inner": inner,
    "too-old": { "1.0": [] },
  });
  assertEquals(pins(outcome), ["a==1.0", "b==1.0", "b-inner==2.0.9"]);
});

Deno.test("decision order: fewer rejections than the threshold leave the order alone", async () => {
  const outcome = await run(["a", "b"], wrongBacktracking(CONFLICT_THRESHOLD - 1));
  assertEquals(pins(outcome), ["a==2.0", "b==1.0", "too-old==1.0"]);
  assertEquals(outcome.ok && outcome.resolution.stats.backtracks, 0);
});

Deno.test("decision order: a rejection between two views of one package (an extra and its project) is not counted", async () => {
  // `a[x]` at each version needs `a` at that version; your requirements allow only a's oldest,
  // so every newer a[x] is rejected at once by a's assignment: nine rejections, none counted.
  const root = new Universe(["root"]);
  const versions = new Universe(Array.from({ length: 10 }, (_, i) => `${i}`));
  const seen: ConflictStanding[] = [];
  const result = await solve<string>("root", root, {
    chooseVersion: (_id, allowed) =>
      Promise.resolve({ kind: "version", index: Math.max(...allowed.indices()) }),
    getDependencies: (id, index) =>
      Promise.resolve({
        kind: "dependencies",
        dependencies: id === "root"
          ? [
            { package: "a[x]", set: VersionSet.full(versions) },
            { package: "a", set: VersionSet.singleton(versions, 0) },
          ]
          : id === "a[x]"
          ? [{ package: "a", set: VersionSet.singleton(versions, index) }]
          : [],
      }),
    priority: (id, _allowed, standing) => {
      seen.push(standing);
      return [id === "a[x]" ? 1 : 0];
    },
    samePackage: (one, other) => one.replace("[x]", "") === other.replace("[x]", ""),
  });
  assertEquals(result.kind, "solution");
  assert(seen.length > 0);
  assert(seen.every((standing) => !standing.early && !standing.late), JSON.stringify(seen));
});
