/**
 * `autoremoveCandidates`: which dependencies go with what is removed —
 * only those nothing staying requires, never what was asked for
 * (`REQUESTED`), never egg-info, never the kept tools; cycles of orphans
 * go, extras and markers count as installed metadata says.
 */

import { autoremoveCandidates } from "../../lib/operations/autoremove.ts";
import { assertEquals } from "../helpers/assert.ts";
import { type FakeDist, installedDists, TEST_ENVIRONMENT } from "../helpers/installed.ts";

function candidates(
  dists: readonly FakeDist[],
  removed: string[],
  keep: string[] = [],
): string[] {
  const env = installedDists(dists);
  try {
    return autoremoveCandidates(env.dists, TEST_ENVIRONMENT, removed, { keep: new Set(keep) })
      .map((dist) => dist.rawName);
  } finally {
    env.done();
  }
}

const FLASK: FakeDist[] = [
  {
    name: "Flask",
    version: "2.2.2",
    requires: ["Werkzeug>=2.2.2", "Jinja2>=3.0", "click>=8.0"],
    requested: true,
  },
  { name: "Werkzeug", version: "2.2.2", requires: ["MarkupSafe>=2.1.1"] },
  { name: "Jinja2", version: "3.1.2", requires: ["MarkupSafe>=2.0"] },
  { name: "MarkupSafe", version: "2.1.3" },
  { name: "click", version: "8.1.7" },
];

Deno.test("autoremove: every dependency that only the removed package needed, transitively", () => {
  assertEquals(candidates(FLASK, ["flask"]), ["click", "Jinja2", "MarkupSafe", "Werkzeug"]);
});

Deno.test("autoremove: what something staying requires stays, and so do its dependencies", () => {
  const dists = [...FLASK, { name: "site", version: "1", requires: ["jinja2"], requested: true }];
  assertEquals(candidates(dists, ["flask"]), ["click", "Werkzeug"]);
});

Deno.test("autoremove: what you asked for (REQUESTED) stays, and what it requires", () => {
  const dists = FLASK.map((d) => d.name === "Jinja2" ? { ...d, requested: true } : d);
  assertEquals(candidates(dists, ["flask"]), ["click", "Werkzeug"]);
});

Deno.test("autoremove: the kept tools stay", () => {
  const dists: FakeDist[] = [
    { name: "app", version: "1", requires: ["setuptools", "helper"], requested: true },
    { name: "setuptools", version: "68" },
    { name: "helper", version: "1" },
  ];
  assertEquals(candidates(dists, ["app"], ["setuptools"]), ["helper"]);
  assertEquals(candidates(dists, ["app"]), ["helper", "setuptools"]);
});

Deno.test("autoremove: dependencies in a cycle that nothing else needs go together", () => {
  const dists: FakeDist[] = [
    { name: "app", version: "1", requires: ["a"], requested: true },
    { name: "a", version: "1", requires: ["b"] },
    { name: "b", version: "1", requires: ["a"] },
    { name: "other", version: "1", requires: ["c"], requested: true },
    { name: "c", version: "1", requires: ["d"] },
    { name: "d", version: "1", requires: ["c"] },
  ];
  assertEquals(candidates(dists, ["app"]), ["a", "b"]);
});

Deno.test("autoremove: a dependency another package needs through an extra stays", () => {
  const dists: FakeDist[] = [
    { name: "app", version: "1", requires: ["fast"], requested: true },
    { name: "fast", version: "1" },
    { name: "lib", version: "1", requires: ['fast; extra == "speed"'], extras: ["speed"] },
    { name: "user", version: "1", requires: ["lib[speed]"], requested: true },
  ];
  assertEquals(candidates(dists, ["app"]), []);
  // Without anyone asking for lib's extra, nothing needs `fast` after `app` goes.
  assertEquals(candidates(dists.filter((d) => d.name !== "user"), ["app"]), ["fast"]);
});

Deno.test("autoremove: a dependency needed only on another platform is not a dependency here", () => {
  const dists: FakeDist[] = [
    { name: "app", version: "1", requires: ["helper"], requested: true },
    { name: "helper", version: "1" },
    { name: "winonly", version: "1", requires: ['helper; sys_platform == "win32"'] },
  ];
  assertEquals(candidates(dists, ["app"]), ["helper"]);
});
