/**
 * What PEP 792 statuses do to an install: quarantined projects' versions
 * unavailable unless you pin one with ==, warnings only for what you named, the most
 * severe status across indexes, and `project_status` in the report.
 */

import {
  checkProjectStatuses,
  effectiveStatus,
  type IndexedStatus,
  reportStatuses,
  withQuarantine,
} from "../../lib/operations/project_status.ts";
import type { PackageName } from "../../lib/names/mod.ts";
import { parseRequirement } from "../../lib/pep508/mod.ts";
import type { ResolverProvider } from "../../lib/resolver/provider.ts";
import { assertEquals } from "../helpers/assert.ts";

const INDEX = "https://index.invalid/simple";
const statuses: Record<string, IndexedStatus[]> = {
  app: [{ status: "deprecated", index: INDEX, reason: "use app2" }],
  lib: [{ status: "archived", index: INDEX }],
  bad: [{ status: "quarantined", index: INDEX, reason: "malware" }],
  two: [{ status: "active", index: INDEX }, { status: "archived", index: "https://b.invalid" }],
};
const lookup = (name: string) => statuses[name] ?? [];
const dist = (name: string, version = "1.0") => ({ name: name as PackageName, version });
const all = new Set(["app", "lib", "bad", "two"] as PackageName[]);

Deno.test("named archived/deprecated projects warn; transitive ones are only recorded", () => {
  const check = checkProjectStatuses([dist("app"), dist("lib"), dist("two")], {
    requirements: [parseRequirement("App>=1"), parseRequirement("two")],
    lookup,
    installing: new Set(),
  });
  assertEquals(check.warnings, [
    `app is deprecated on ${INDEX}: use app2`,
    "two is archived on https://b.invalid (it is not expected to be updated)",
  ]);
  assertEquals([...check.statuses.keys()], ["app", "lib", "two"]);
});

Deno.test("quarantined: every version unavailable unless pinned exactly with == or ===", async () => {
  const inner: ResolverProvider = {
    listVersions: () =>
      Promise.resolve({ kind: "found", candidates: [{ version: "2.0" }, { version: "1.0" }] }),
    getMetadata: () => Promise.reject(new Error("not asked")),
  };
  const offered = async (requirements: string[], name = "bad") => {
    const provider = withQuarantine(inner, {
      requirements: requirements.map((text) => parseRequirement(text)),
      lookup,
    });
    const listing = await provider.listVersions(name as PackageName);
    if (listing.kind !== "found") throw new Error("not found");
    return listing.candidates.filter((c) => c.unavailable === undefined).map((c) => c.version);
  };
  for (const text of ["bad", "bad>=1", "bad==1.*", "bad==3.0", "other==1.0"]) {
    assertEquals(await offered([text]), [], text);
  }
  assertEquals(await offered(["bad==1.0"]), ["1.0"]);
  assertEquals(await offered(["bad==1"]), ["1.0"]);
  assertEquals(await offered(["bad===2.0"]), ["2.0"]);
  assertEquals(await offered([], "lib"), ["2.0", "1.0"]);
  const provider = withQuarantine(inner, { requirements: [], lookup });
  const listing = await provider.listVersions("bad" as PackageName);
  assertEquals(
    listing.kind === "found" ? listing.candidates[0]!.unavailable : undefined,
    {
      kind: "other",
      message:
        `bad is quarantined on ${INDEX} (malware): the index considers it unsafe; pin bad==<version> yourself to install it anyway`,
    },
  );
});

Deno.test("quarantined and pinned, or already installed: a warning", () => {
  const pinned = checkProjectStatuses([dist("bad")], {
    requirements: [parseRequirement("bad==1.0")],
    lookup,
    installing: all,
  });
  assertEquals(pinned.warnings, [
    `bad is quarantined on ${INDEX}: malware; installing it because you pinned it with ==`,
  ]);
  const installed = checkProjectStatuses([dist("bad")], {
    requirements: [],
    lookup,
    installing: new Set(),
  });
  assertEquals(installed.warnings, [
    `bad is quarantined on ${INDEX}: malware, and bad 1.0 is installed`,
  ]);
});

Deno.test("effectiveStatus takes the most severe; the report gets project_status", () => {
  assertEquals(effectiveStatus([{ status: "active", index: "a" }]), undefined);
  assertEquals(
    effectiveStatus([
      { status: "deprecated", index: "a" },
      { status: "quarantined", index: "b" },
      { status: "archived", index: "c" },
    ])?.index,
    "b",
  );
  const report = {
    install: [{ metadata: { name: "App" } }, { metadata: { name: "other" } }],
  };
  reportStatuses(report, new Map([["app" as PackageName, statuses.app![0]!]]));
  assertEquals(report.install, [
    {
      metadata: { name: "App" },
      project_status: { status: "deprecated", reason: "use app2", index: INDEX },
    },
    { metadata: { name: "other" } },
  ]);
});
