import { checkPlan } from "../../lib/operations/plan_checks.ts";
import { HashRequirementError } from "../../lib/operations/hash_mode.ts";
import { planInstallation } from "../../lib/operations/install_plan.ts";
import { canonicalizeName, type PackageName } from "../../lib/names/mod.ts";
import type { ResolvedDist } from "../../lib/resolver/mod.ts";
import type { IndexSource } from "../../lib/resolver/default_provider.ts";
import { assert, assertEquals, assertRejects } from "../helpers/assert.ts";
import { INTERPRETER, resolved, rootsOf } from "./install_fixtures.ts";

async function planOf(dists: ResolvedDist<IndexSource>[]) {
  return planInstallation(
    { roots: await rootsOf(["a"]), ignored: [], dists, installed: [] },
    { interpreter: INTERPRETER, reinstallAll: false, upgrade: false, ignoreRequiresPython: false },
  );
}

Deno.test("checkPlan: a yanked pin and a quarantined project are warned about", async () => {
  const planned = await planOf([
    resolved("a==1.0", ["b"], { requested: true, yanked: { reason: "broken" } }),
    resolved("b==1.0"),
  ]);
  const checked = await checkPlan(planned, {
    requirements: [],
    projectStatuses: (project) =>
      project === "b" ? [{ status: "quarantined", index: "https://i/simple" }] : [],
  });
  assert(checked.warnings[0]!.includes("'a' candidate (version 1.0"), checked.warnings[0]);
  assert(checked.warnings[0]!.endsWith("Reason for being yanked: broken"));
  assertEquals(checked.warnings.length, 2);
  assertEquals([...checked.statuses.keys()], [canonicalizeName("b")]);
});

Deno.test("checkPlan: in hash-checking mode what comes from an index needs its --hash", async () => {
  const planned = await planOf([resolved("a==1.0", ["b"]), resolved("b==1.0")]);
  const hashes = new Map<PackageName, unknown>([[canonicalizeName("a"), {}]]);
  await assertRejects(
    () => checkPlan(planned, { requirements: [], hashes }),
    HashRequirementError,
    "b==1.0",
  );
});

Deno.test("checkPlan: attestations are checked for the index files to install", async () => {
  const planned = await planOf([resolved("a==1.0")]);
  const checked = await checkPlan(planned, {
    requirements: [],
    attestations: (files) => Promise.resolve(files.map((f) => `checked ${f.filename}`)),
  });
  assertEquals(checked.warnings, ["checked a-1.0-py3-none-any.whl"]);
});
