/**
 * An audit's result as text (a table, as `pip-audit` prints), as JSON, and
 * as a SARIF 2.1.0 log (for code-scanning services).
 *
 * @module
 */

import { pathToFileURL } from "../paths.ts";
import type { AuditResult, Finding, PackageFindings } from "./audit.ts";
import { findingCount } from "./audit.ts";

function table(rows: readonly (readonly string[])[]): string[] {
  const widths = rows[0]!.map((_, col) =>
    rows.reduce((w, row) => Math.max(w, row[col]!.length), 0)
  );
  const line = (row: readonly string[]) =>
    row.map((cell, col) => cell.padEnd(widths[col]!)).join(" ").trimEnd();
  const [head, ...body] = rows;
  return [line(head!), line(widths.map((w) => "-".repeat(w))), ...body.map(line)];
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** The human-readable report: a summary line and a table of findings (stdout). */
export function formatAuditText(result: AuditResult): string {
  const count = findingCount(result);
  const affected = result.packages.filter((p) => p.findings.length > 0);
  if (count === 0) {
    return `No known vulnerabilities found in ${
      plural(result.packages.length, "package", "packages")
    }\n`;
  }
  const rows: string[][] = [["Name", "Version", "ID", "Fix Versions"]];
  for (const { package: pkg, findings } of affected) {
    for (const finding of findings) {
      rows.push([pkg.displayName, pkg.version, finding.id, finding.fixVersions.join(",")]);
    }
  }
  return [
    `Found ${plural(count, "known vulnerability", "known vulnerabilities")} in ${
      plural(affected.length, "package", "packages")
    }`,
    ...table(rows),
  ].join("\n") + "\n";
}

function findingJson(finding: Finding): Record<string, unknown> {
  return {
    id: finding.id,
    aliases: finding.aliases,
    fix_versions: finding.fixVersions,
    ...(finding.summary === undefined ? {} : { summary: finding.summary }),
    ...(finding.details === undefined ? {} : { description: finding.details }),
    ...(finding.severity.length === 0 ? {} : { severity: finding.severity }),
    ...(finding.databaseSeverity === undefined
      ? {}
      : { database_severity: finding.databaseSeverity }),
    ...(finding.advisoryUrl === undefined ? {} : { url: finding.advisoryUrl }),
    ...(finding.published === undefined ? {} : { published: finding.published }),
    ...(finding.modified === undefined ? {} : { modified: finding.modified }),
  };
}

/**
 * The JSON report: every audited package with its vulnerabilities (an
 * empty list when clean), what was skipped and why, and withdrawn records
 * that matched and were left out.
 */
export function formatAuditJson(result: AuditResult): string {
  return JSON.stringify(
    {
      vulnerability_db: result.source,
      dependencies: result.packages.map(({ package: pkg, findings }) => ({
        name: pkg.name,
        version: pkg.version,
        vulns: findings.map(findingJson),
      })),
      skipped: result.skipped.map(({ name, reason }) => ({ name, reason })),
      withdrawn: result.withdrawn,
      warnings: result.warnings,
    },
    null,
    2,
  ) + "\n";
}

/** The SARIF 2.1.0 schema's location, as SARIF logs name it. */
export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

function sarifLevel(finding: Finding): "error" | "warning" | "note" {
  switch (finding.databaseSeverity?.toUpperCase()) {
    case "LOW":
      return "note";
    case "MODERATE":
    case "MEDIUM":
      return "warning";
    default:
      return "error";
  }
}

function sarifLocation(entry: PackageFindings): Record<string, unknown>[] {
  const location = entry.package.location;
  if (location === undefined) return [];
  return [{
    physicalLocation: {
      artifactLocation: { uri: pathToFileURL(location.path).href },
      ...(location.line === undefined ? {} : { region: { startLine: location.line } }),
    },
  }];
}

/**
 * The SARIF 2.1.0 log: one rule per vulnerability, one result per affected
 * package, located at the requirements line, the lock, or the installed
 * distribution's metadata directory.
 */
export function formatAuditSarif(
  result: AuditResult,
  tool: { readonly name: string; readonly version: string },
): string {
  const rules: Record<string, unknown>[] = [];
  const ruleIndex = new Map<string, number>();
  const results: Record<string, unknown>[] = [];
  for (const entry of result.packages) {
    for (const finding of entry.findings) {
      let index = ruleIndex.get(finding.id);
      if (index === undefined) {
        index = rules.length;
        ruleIndex.set(finding.id, index);
        rules.push({
          id: finding.id,
          name: finding.id,
          shortDescription: { text: finding.summary ?? finding.id },
          fullDescription: { text: finding.details ?? finding.summary ?? finding.id },
          ...(finding.advisoryUrl === undefined ? {} : { helpUri: finding.advisoryUrl }),
          help: { text: finding.details ?? finding.summary ?? finding.id },
          properties: {
            tags: ["security", "vulnerability", ...finding.aliases],
            ...(finding.severity.length === 0 ? {} : { severity: finding.severity }),
          },
        });
      }
      const pkg = entry.package;
      const fix = finding.fixVersions.length === 0
        ? "no fixed version is known"
        : `fixed in ${finding.fixVersions.join(", ")}`;
      results.push({
        ruleId: finding.id,
        ruleIndex: index,
        level: sarifLevel(finding),
        message: {
          text: `${pkg.displayName} ${pkg.version} is affected by ${finding.id}${
            finding.aliases.length === 0 ? "" : ` (${finding.aliases.join(", ")})`
          }: ${fix}`,
        },
        locations: sarifLocation(entry),
        partialFingerprints: {
          "package/vulnerability": `${pkg.name}@${pkg.version}/${finding.id}`,
        },
      });
    }
  }
  return JSON.stringify(
    {
      $schema: SARIF_SCHEMA,
      version: "2.1.0",
      runs: [{
        tool: {
          driver: {
            name: tool.name,
            version: tool.version,
            rules,
          },
        },
        results,
      }],
    },
    null,
    2,
  ) + "\n";
}
