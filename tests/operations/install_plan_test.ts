import { planInstallation, toInstall } from "../../lib/operations/install_plan.ts";
import type { InstalledDist } from "../../lib/installer/site_packages.ts";
import { canonicalizeName } from "../../lib/names/mod.ts";
import { assertEquals } from "../helpers/assert.ts";
import { INTERPRETER, resolved, rootsOf } from "./install_fixtures.ts";

const settings = {
  interpreter: INTERPRETER,
  reinstallAll: false,
  upgrade: false,
  ignoreRequiresPython: false,
};

/** An installed distribution as the planner reads it. */
function installed(name: string, version: string): InstalledDist {
  return {
    name: canonicalizeName(name),
    rawName: name,
    version,
    infoPath: `/site/${name}-${version}.dist-info`,
  } as InstalledDist;
}

Deno.test("planInstallation: pip's collection order, and dependencies installed first", async () => {
  const roots = await rootsOf(["app", "tool; sys_platform == 'linux'"]);
  const dists = [
    resolved("app==1.0", ["lib>=1", "win; sys_platform == 'win32'"], { requested: true }),
    resolved("tool==2.0", [], { requested: true }),
    resolved("lib==1.5"),
  ];
  const planned = planInstallation({ roots, ignored: [], dists, installed: [] }, settings);
  assertEquals(
    planned.collected.map((c) => [c.name, c.requirement, c.chain, c.action]),
    [
      ["app", "app", [], "install"],
      ["tool", 'tool; sys_platform == "linux"', [], "install"],
      ["lib", "lib>=1", ["app"], "install"],
    ],
  );
  assertEquals([...planned.order] as string[], ["tool", "lib", "app"]);
  assertEquals(toInstall(planned).map((d) => d.name), ["app", "tool", "lib"]);
});

Deno.test("planInstallation: for a lock (resolveOnly), the plan without collection or order", async () => {
  const roots = await rootsOf(["app"]);
  const dists = [resolved("app==1.0", ["lib>=1"], { requested: true }), resolved("lib==1.5")];
  const planned = planInstallation(
    { roots, ignored: [], dists, installed: [] },
    { ...settings, reinstallAll: true, resolveOnly: true },
  );
  assertEquals(toInstall(planned).map((d) => d.name), ["app", "lib"]);
  assertEquals([planned.collected, planned.order], [[], []]);
});

Deno.test("planInstallation: satisfied, replaced, and what --target keeps", async () => {
  const roots = await rootsOf(["a", "b"]);
  const dists = [resolved("a==2.0"), resolved("b==1.0")];
  const inEnvironment = planInstallation({
    roots,
    ignored: [],
    dists,
    installed: [installed("a", "1.0"), installed("b", "1.0")],
  }, settings);
  assertEquals(inEnvironment.collected.map((c) => c.action), ["reinstall", "satisfied"]);
  assertEquals([...inEnvironment.order] as string[], ["a"]);
  const target = planInstallation({
    roots,
    ignored: [],
    dists,
    installed: [],
    targetHas: [installed("b", "0.9")],
  }, settings);
  assertEquals(target.plan.install.map((d) => d.name), ["a", "b"]);
  assertEquals(target.plan.kept.map((e) => `${e.dist.name} ${e.installed.version}`), ["b 0.9"]);
});
