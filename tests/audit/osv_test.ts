/**
 * OSV records: reading untrusted JSON, and matching PyPI versions against
 * `ECOSYSTEM` ranges (introduced / fixed / last_affected / limit, `"0"`),
 * `versions` lists, PEP 440 order and equality, and names as PEP 503 folds them.
 */

import {
  listsVersionText,
  matchPypi,
  MAX_RECORD_LIST,
  OsvFormatError,
  parseOsvRecord,
  pypiNames,
} from "../../lib/audit/osv.ts";
import type { PackageName } from "../../lib/names/mod.ts";
import { parseVersion } from "../../lib/pep440/mod.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";

const demo = "demo" as PackageName;

function record(affected: unknown[], extra: Record<string, unknown> = {}) {
  return parseOsvRecord({ id: "TEST-1", affected, ...extra });
}

function ranges(...events: Record<string, string>[][]) {
  return record([{
    package: { ecosystem: "PyPI", name: "Demo" },
    ranges: events.map((list) => ({ type: "ECOSYSTEM", events: list })),
  }]);
}

function affected(rec: ReturnType<typeof record>, version: string): boolean {
  return matchPypi(rec, demo, parseVersion(version)).affected;
}

Deno.test("introduced 0 / fixed: everything below the fix, pre-releases of it included", () => {
  const rec = ranges([{ introduced: "0" }, { fixed: "2.0" }]);
  assertEquals(
    ["0.0.1", "1.9.9", "2.0rc1", "2.0.dev0", "2.0", "2.0.post1", "2.1", "1!0.1"].map((v) =>
      affected(rec, v)
    ),
    [true, true, true, true, false, false, false, false],
  );
  assertEquals(matchPypi(rec, demo, parseVersion("1.0")).fixVersions, ["2.0"]);
});

Deno.test("last_affected includes its version; fixed excludes it", () => {
  const last = ranges([{ introduced: "1.0" }, { last_affected: "1.4" }]);
  assertEquals(["0.9", "1.0", "1.4", "1.4.0", "1.4.post1", "1.5"].map((v) => affected(last, v)), [
    false,
    true,
    true,
    true,
    false,
    false,
  ]);
  assertEquals(matchPypi(last, demo, parseVersion("1.2")).fixVersions, []);
});

Deno.test("several intervals in one range, given out of order, and several ranges", () => {
  const rec = ranges([{ fixed: "2.5" }, { introduced: "2.0" }, { fixed: "1.5" }, {
    introduced: "1.0",
  }]);
  assertEquals(
    ["0.5", "1.0", "1.4", "1.5", "1.9", "2.0", "2.4", "2.5"].map((v) => affected(rec, v)),
    [
      false,
      true,
      true,
      false,
      false,
      true,
      true,
      false,
    ],
  );
  assertEquals(matchPypi(rec, demo, parseVersion("1.2")).fixVersions, ["1.5", "2.5"]);
  const two = ranges([{ introduced: "1.0" }, { fixed: "1.1" }], [{ introduced: "3.0" }]);
  assertEquals(["1.0", "2.0", "3.0", "9"].map((v) => affected(two, v)), [true, false, true, true]);
});

Deno.test("limit caps a range", () => {
  const rec = ranges([{ introduced: "0" }, { limit: "3.0" }]);
  assertEquals(["1", "2.9", "3.0", "4"].map((v) => affected(rec, v)), [true, true, false, false]);
});

Deno.test("versions lists match by PEP 440 equality; SEMVER and GIT ranges are not read", () => {
  const rec = record([{
    package: { ecosystem: "PyPI", name: "demo" },
    versions: ["1.0", "2.0.0"],
    ranges: [
      { type: "GIT", repo: "x", events: [{ introduced: "0" }] },
      { type: "SEMVER", events: [{ introduced: "0" }] },
    ],
  }]);
  assertEquals(["1.0.0", "1", "2", "2.0.0", "1.1"].map((v) => affected(rec, v)), [
    true,
    true,
    true,
    true,
    false,
  ]);
});

Deno.test("only the PyPI ecosystem and the project's own (normalized) name match", () => {
  const rec = record([
    { package: { ecosystem: "npm", name: "demo" }, versions: ["1.0"] },
    { package: { ecosystem: "PyPI", name: "other" }, versions: ["1.0"] },
    { package: { ecosystem: "PyPI", name: "My_Demo.Pkg" }, versions: ["2.0"] },
  ]);
  assertEquals(affected(rec, "1.0"), false);
  assertEquals(matchPypi(rec, "my-demo-pkg" as PackageName, parseVersion("2.0")).affected, true);
  assertEquals(pypiNames(rec).sort(), ["my-demo-pkg", "other"]);
});

Deno.test("versions that are not PEP 440 are reported, and their range is not evaluated", () => {
  const rec = ranges([{ introduced: "0" }, { fixed: "not a version" }]);
  const match = matchPypi(rec, demo, parseVersion("1.0"));
  assertEquals(match, { affected: false, fixVersions: [], unreadable: ["not a version"] });
  const legacy = record([{
    package: { ecosystem: "PyPI", name: "demo" },
    versions: ["1.0-custom"],
  }]);
  assertEquals(listsVersionText(legacy, demo, "1.0-custom"), true);
  assertEquals(listsVersionText(legacy, demo, "1.0"), false);
});

Deno.test("parseOsvRecord keeps what an audit uses and refuses malformed records", () => {
  const rec = parseOsvRecord({
    id: "GHSA-1",
    aliases: ["CVE-1", "GHSA-1"],
    withdrawn: "2024-01-01T00:00:00Z",
    summary: "s",
    severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N" }, { type: 1 }],
    references: [{ type: "WEB", url: "https://w" }, { type: "ADVISORY", url: "https://a" }],
    database_specific: { severity: "LOW" },
    affected: [{
      package: { ecosystem: "PyPI", name: "x" },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, {}] }],
    }, { no: "package" }],
  });
  assertEquals(rec.aliases, ["CVE-1"]);
  assertEquals(rec.withdrawn, "2024-01-01T00:00:00Z");
  assertEquals(rec.advisoryUrl, "https://a");
  assertEquals(rec.databaseSeverity, "LOW");
  assertEquals(rec.severity, [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N" }]);
  assertEquals(rec.affected.length, 1);
  assertEquals(rec.affected[0]!.ranges[0]!.events, [{ kind: "introduced", version: "0" }]);
  for (
    const bad of [
      [],
      "x",
      { id: 5 },
      { id: "" },
      { id: "A", aliases: "B" },
      { id: "A", affected: [{ package: { ecosystem: "PyPI", name: "x" }, versions: [1] }] },
      { id: "A", aliases: new Array(MAX_RECORD_LIST + 1).fill("B") },
    ]
  ) {
    assertThrows(() => parseOsvRecord(bad), OsvFormatError);
  }
});
