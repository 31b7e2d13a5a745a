/**
 * What an audit checks and how it reports: pins read from requirements
 * lines, and records that name each other merged into one finding.
 */

import {
  mergeAliases,
  packagesFromRequirements,
  UnpinnedRequirementError,
} from "../../lib/audit/audit.ts";
import { parseOsvRecord } from "../../lib/audit/osv.ts";
import type { RequirementLine } from "../../lib/requirements/requirements_txt.ts";
import { assertEquals, assertThrows } from "../helpers/assert.ts";

function line(text: string, extra: Partial<RequirementLine> = {}): RequirementLine {
  return {
    text,
    hashes: {},
    configSettings: {},
    globalOptions: [],
    constraint: false,
    editable: false,
    origin: { file: "r.txt", line: 1 },
    ...extra,
  };
}

Deno.test("requirements: == and === pins are audited, constraints ignored, URLs skipped", () => {
  const { packages, skipped } = packagesFromRequirements([
    line("Demo_Pkg==1.0 ; python_version > '3'"),
    line("other===1.0-custom"),
    line("constrained==9", { constraint: true }),
    line("direct @ https://x.invalid/direct-1.0.tar.gz"),
    line("./some/path"),
  ]);
  assertEquals(packages.map((p) => [p.name, p.displayName, p.version]), [
    ["demo-pkg", "Demo_Pkg", "1.0"],
    ["other", "other", "1.0-custom"],
  ]);
  assertEquals(skipped.map((s) => s.name), ["direct", "./some/path"]);
});

Deno.test("requirements: anything but one exact pin is refused, naming the line", () => {
  for (const text of ["demo", "demo>=1", "demo==1.*", "demo==1,!=2", "demo~=1.0"]) {
    const error = assertThrows(
      () => packagesFromRequirements([line(text, { origin: { file: "r.txt", line: 7 } })]),
      UnpinnedRequirementError,
    );
    assertEquals(error.origin, { file: "r.txt", line: 7 });
  }
});

Deno.test("records naming each other (directly or through a shared alias) are one finding", () => {
  const hit = (id: string, aliases: string[], fixVersions: string[] = []) => ({
    record: parseOsvRecord({ id, aliases, summary: `${id} summary` }),
    fixVersions,
  });
  const findings = mergeAliases([
    hit("PYSEC-1", ["CVE-1"], ["1.10"]),
    hit("GHSA-1", ["CVE-1"], ["1.9"]),
    hit("OSV-9", ["GHSA-1"]),
    hit("PYSEC-2", []),
  ]);
  assertEquals(
    findings.map((f) => [f.id, f.aliases, f.fixVersions, f.summary]),
    [
      ["GHSA-1", ["CVE-1", "OSV-9", "PYSEC-1"], ["1.9", "1.10"], "GHSA-1 summary"],
      ["PYSEC-2", [], [], "PYSEC-2 summary"],
    ],
  );
});
