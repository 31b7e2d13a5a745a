import { installationOrder, planInstall, type PlannedDist } from "../../lib/installer/plan.ts";
import type { PackageName } from "../../lib/names/mod.ts";
import { assertEquals } from "../helpers/assert.ts";

const name = (text: string) => text as PackageName;
const resolved = (n: string, version: string, extra: Partial<PlannedDist> = {}): PlannedDist => ({
  name: name(n),
  version,
  installed: false,
  ...extra,
});
const installed = (n: string, version: string) => ({ name: name(n), version });

function summary(
  plan: ReturnType<typeof planInstall<PlannedDist, { name: PackageName; version: string }>>,
) {
  return {
    install: plan.install.map((d) => `${d.name}-${d.version}`),
    reinstall: plan.reinstall.map((e) => `${e.installed.version}->${e.dist.version}`),
    uninstall: plan.uninstall.map((d) => `${d.name}-${d.version}`),
    satisfied: plan.satisfied.map((e) => `${e.dist.name}${e.sameWheel ? " (same wheel)" : ""}`),
    ...(plan.kept.length === 0 ? {} : { kept: plan.kept.map((e) => `${e.installed.version}`) }),
  };
}

Deno.test("planInstall() splits a resolution into new, replacing and satisfied", async (t) => {
  const cases: {
    title: string;
    dists: PlannedDist[];
    installed: { name: PackageName; version: string }[];
    options?: Parameters<typeof planInstall>[2];
    expected: ReturnType<typeof summary>;
  }[] = [
    {
      title: "nothing installed",
      dists: [resolved("a", "1.0"), resolved("b", "2.0")],
      installed: [],
      expected: { install: ["a-1.0", "b-2.0"], reinstall: [], uninstall: [], satisfied: [] },
    },
    {
      title: "kept by the resolver, upgraded, and the same version by another spelling",
      dists: [
        resolved("a", "1.0", { installed: true }),
        resolved("b", "2.0"),
        resolved("c", "1.0"),
      ],
      installed: [installed("a", "1.0"), installed("b", "1.0"), installed("c", "1.0.0")],
      expected: {
        install: [],
        reinstall: ["1.0->2.0"],
        uninstall: ["b-1.0"],
        satisfied: ["a", "c"],
      },
    },
    {
      title: "a wheel you named, at the installed version",
      dists: [resolved("a", "1.0", { url: "file:///w/a-1.0-py3-none-any.whl" })],
      installed: [installed("a", "1.0")],
      expected: { install: [], reinstall: [], uninstall: [], satisfied: ["a (same wheel)"] },
    },
    {
      title: "--force-reinstall replaces even the same version",
      dists: [resolved("a", "1.0"), resolved("b", "1.0")],
      installed: [installed("a", "1.0")],
      options: { reinstallAll: true },
      expected: {
        install: ["b-1.0"],
        reinstall: ["1.0->1.0"],
        uninstall: ["a-1.0"],
        satisfied: [],
      },
    },
    {
      title: "--target installs everything (the environment's distributions are not the target's)",
      dists: [resolved("a", "1.0")],
      installed: [installed("a", "1.0")],
      options: { targetDir: { has: [], upgrade: false } },
      expected: { install: ["a-1.0"], reinstall: [], uninstall: [], satisfied: [] },
    },
    {
      title: "--target without --upgrade keeps what the directory has (at any version)",
      dists: [resolved("a", "2.0"), resolved("b", "1.0")],
      installed: [],
      options: { targetDir: { has: [installed("a", "1.0")], upgrade: false } },
      expected: {
        install: ["a-2.0", "b-1.0"],
        reinstall: [],
        uninstall: [],
        satisfied: [],
        kept: ["1.0"],
      },
    },
    {
      title: "--target --upgrade replaces it",
      dists: [resolved("a", "2.0")],
      installed: [],
      options: { targetDir: { has: [installed("a", "1.0")], upgrade: true } },
      expected: { install: ["a-2.0"], reinstall: [], uninstall: [], satisfied: [] },
    },
    {
      title: "what pip always reinstalls (an editable, a local directory), at the same version",
      dists: [
        resolved("a", "1.0", { url: "file:///src/a" }),
        resolved("b", "1.0", { installed: true }),
      ],
      installed: [installed("a", "1.0"), installed("b", "1.0")],
      options: { reinstall: new Set([name("a")]) },
      expected: { install: [], reinstall: ["1.0->1.0"], uninstall: ["a-1.0"], satisfied: ["b"] },
    },
    {
      title: "a downgrade",
      dists: [resolved("a", "1.0")],
      installed: [installed("a", "2.0")],
      expected: { install: [], reinstall: ["2.0->1.0"], uninstall: ["a-2.0"], satisfied: [] },
    },
  ];
  for (const c of cases) {
    await t.step(c.title, () => {
      assertEquals(summary(planInstall(c.dists, c.installed, c.options)), c.expected);
    });
  }
});

Deno.test("installationOrder() peels leaves first, then weighs what is left by depth", () => {
  const graph = new Map<string | null, string[]>([
    [null, ["app[extra]", "tool"]],
    ["app[extra]", ["app", "lib", "extra-dep"]],
    ["app", ["<python>", "lib"]],
    ["lib", ["<python>"]],
    ["extra-dep", []],
    ["tool", []],
    ["<python>", []],
  ]);
  // Round one: tool, extra-dep and the Python node; then lib; then app.
  assertEquals(installationOrder(["app", "lib", "extra-dep", "tool"], graph), [
    "tool",
    "extra-dep",
    "lib",
    "app",
  ]);
  // A cycle is weighed by depth from the root: the deeper one goes first.
  const cycle = new Map<string | null, string[]>([
    [null, ["a"]],
    ["a", ["b"]],
    ["b", ["a", "c"]],
    ["c", []],
  ]);
  assertEquals(installationOrder(["a", "b", "c"], cycle), ["c", "b", "a"]);
});
