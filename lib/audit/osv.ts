/**
 * OSV records (the Open Source Vulnerability format) and how a PyPI version
 * is matched against them.
 *
 * {@link parseOsvRecord} reads one record from untrusted JSON, keeping only
 * what an audit uses and bounding every list. {@link matchPypi} is the OSV
 * schema's evaluation for the `PyPI` ecosystem: a version is affected when
 * an `affected[].versions` entry equals it (PEP 440 equality), or when it
 * lies in a range of type `ECOSYSTEM` — the range's events sorted by PEP 440
 * order (`introduced: "0"` first), `introduced` turning the state on,
 * `fixed` turning it off at that version and `last_affected` just above it,
 * and `limit` events capping the range. `SEMVER` and `GIT` ranges do not
 * describe PyPI versions and are not read.
 *
 * Pure: values in, values out.
 *
 * @module
 */

import { canonicalizeName, type PackageName } from "../names/mod.ts";
import { tryParseVersion, type Version } from "../pep440/mod.ts";

/** The longest list of anything one record may hold (aliases, ranges, events, versions). */
export const MAX_RECORD_LIST = 20_000;
/** The longest string kept from a record (summaries and details are cut there). */
const MAX_TEXT = 64 * 1024;

/** One event of a range's timeline. */
export interface OsvEvent {
  readonly kind: "introduced" | "fixed" | "last_affected" | "limit";
  readonly version: string;
}

/** `affected[].ranges[]`. */
export interface OsvRange {
  /** `ECOSYSTEM`, `SEMVER`, `GIT` (or another value a newer schema adds). */
  readonly type: string;
  readonly events: readonly OsvEvent[];
}

/** `affected[]`: one package the record concerns. */
export interface OsvAffected {
  readonly ecosystem: string;
  readonly name: string;
  readonly ranges: readonly OsvRange[];
  readonly versions: readonly string[];
}

/** `severity[]`: a scoring system and its score (a CVSS vector, for example). */
export interface OsvSeverity {
  readonly type: string;
  readonly score: string;
}

/** The parts of an OSV record an audit reads. */
export interface OsvRecord {
  readonly id: string;
  readonly modified?: string;
  readonly published?: string;
  /** Set when the record was withdrawn: it no longer describes a vulnerability. */
  readonly withdrawn?: string;
  readonly aliases: readonly string[];
  readonly summary?: string;
  readonly details?: string;
  readonly severity: readonly OsvSeverity[];
  readonly affected: readonly OsvAffected[];
  /** `references[].url` of type `ADVISORY`, else the first reference. */
  readonly advisoryUrl?: string;
  /** `database_specific.severity` (GitHub's `LOW`, `MODERATE`, `HIGH`, `CRITICAL`). */
  readonly databaseSeverity?: string;
}

/** A value that is not an OSV record, and why. */
export class OsvFormatError extends Error {
  /** `detail` says what is missing or malformed. */
  constructor(detail: string) {
    super(detail);
    this.name = "OsvFormatError";
  }
}

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown, where: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw new OsvFormatError(`${where} is not a string`);
  return value.length > MAX_TEXT ? value.slice(0, MAX_TEXT) : value;
}

function list(value: unknown, where: string): readonly unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OsvFormatError(`${where} is not a list`);
  if (value.length > MAX_RECORD_LIST) {
    throw new OsvFormatError(`${where} has more than ${MAX_RECORD_LIST} entries`);
  }
  return value;
}

function strings(value: unknown, where: string): string[] {
  return list(value, where).map((item, i) => {
    if (typeof item !== "string") throw new OsvFormatError(`${where}[${i}] is not a string`);
    return item;
  });
}

const EVENT_KINDS = ["introduced", "fixed", "last_affected", "limit"] as const;

function readEvent(raw: unknown, where: string): OsvEvent | undefined {
  if (!isObject(raw)) throw new OsvFormatError(`${where} is not an object`);
  for (const kind of EVENT_KINDS) {
    const version = raw[kind];
    if (typeof version === "string") return { kind, version };
  }
  return undefined;
}

function readRange(raw: unknown, where: string): OsvRange {
  if (!isObject(raw)) throw new OsvFormatError(`${where} is not an object`);
  const type = text(raw.type, `${where}.type`) ?? "";
  const events: OsvEvent[] = [];
  list(raw.events, `${where}.events`).forEach((e, i) => {
    const event = readEvent(e, `${where}.events[${i}]`);
    if (event !== undefined) events.push(event);
  });
  return { type, events };
}

function readAffected(raw: unknown, where: string): OsvAffected | undefined {
  if (!isObject(raw)) throw new OsvFormatError(`${where} is not an object`);
  const pkg = raw.package;
  if (!isObject(pkg)) return undefined;
  const ecosystem = text(pkg.ecosystem, `${where}.package.ecosystem`);
  const name = text(pkg.name, `${where}.package.name`);
  if (ecosystem === undefined || name === undefined) return undefined;
  return {
    ecosystem,
    name,
    ranges: list(raw.ranges, `${where}.ranges`).map((r, i) =>
      readRange(r, `${where}.ranges[${i}]`)
    ),
    versions: strings(raw.versions, `${where}.versions`),
  };
}

function advisoryUrl(raw: unknown): string | undefined {
  const references = list(raw, "references").filter(isObject);
  const advisory = references.find((r) => r.type === "ADVISORY" && typeof r.url === "string") ??
    references.find((r) => typeof r.url === "string");
  return advisory === undefined ? undefined : text(advisory.url, "references[].url");
}

/**
 * Reads one OSV record from parsed JSON, keeping what an audit uses.
 *
 * @throws {OsvFormatError} when `raw` is not an object with a string `id`, or a field has the wrong type.
 * @example
 * ```ts
 * import { parseOsvRecord } from "./osv.ts";
 * const record = parseOsvRecord({ id: "PYSEC-1", affected: [] });
 * record.id; // "PYSEC-1"
 * ```
 */
export function parseOsvRecord(raw: unknown): OsvRecord {
  if (!isObject(raw)) throw new OsvFormatError("the record is not a JSON object");
  const id = text(raw.id, "id");
  if (id === undefined || id === "") throw new OsvFormatError("the record has no id");
  const affected: OsvAffected[] = [];
  list(raw.affected, "affected").forEach((a, i) => {
    const entry = readAffected(a, `affected[${i}]`);
    if (entry !== undefined) affected.push(entry);
  });
  const severity: OsvSeverity[] = [];
  for (const s of list(raw.severity, "severity")) {
    if (isObject(s) && typeof s.type === "string" && typeof s.score === "string") {
      severity.push({ type: s.type, score: text(s.score, "severity[].score")! });
    }
  }
  const databaseSpecific = raw.database_specific;
  const databaseSeverity = isObject(databaseSpecific) &&
      typeof databaseSpecific.severity === "string"
    ? databaseSpecific.severity
    : undefined;
  const optional = (key: string, value: string | undefined) =>
    value === undefined || value === "" ? {} : { [key]: value };
  const url = advisoryUrl(raw.references);
  return {
    id,
    ...optional("modified", text(raw.modified, "modified")),
    ...optional("published", text(raw.published, "published")),
    ...optional("withdrawn", text(raw.withdrawn, "withdrawn")),
    aliases: strings(raw.aliases, "aliases").filter((alias) => alias !== id),
    ...optional("summary", text(raw.summary, "summary")),
    ...optional("details", text(raw.details, "details")),
    severity,
    affected,
    ...optional("advisoryUrl", url),
    ...optional("databaseSeverity", databaseSeverity),
  };
}

/** The OSV ecosystem name of PyPI. */
export const PYPI_ECOSYSTEM = "PyPI";

/** The normalized names of the PyPI packages a record concerns. */
export function pypiNames(record: OsvRecord): PackageName[] {
  const names = new Set<PackageName>();
  for (const affected of record.affected) {
    if (affected.ecosystem === PYPI_ECOSYSTEM) names.add(canonicalizeName(affected.name));
  }
  return [...names];
}

/** How one record matches one version. */
export interface OsvMatch {
  readonly affected: boolean;
  /** `fixed` versions above the version, in the ranges that hold it (PEP 440 order). */
  readonly fixVersions: readonly string[];
  /** Versions in the record that are not PEP 440, whose ranges could not be read. */
  readonly unreadable: readonly string[];
}

interface Timeline {
  readonly events: { readonly kind: OsvEvent["kind"]; readonly version: Version | "zero" }[];
  readonly unreadable: string[];
}

function timeline(range: OsvRange): Timeline {
  const unreadable: string[] = [];
  const events: Timeline["events"] = [];
  for (const event of range.events) {
    if (event.kind === "introduced" && event.version === "0") {
      events.push({ kind: event.kind, version: "zero" });
      continue;
    }
    const version = tryParseVersion(event.version);
    if (version === undefined) unreadable.push(event.version);
    else events.push({ kind: event.kind, version });
  }
  const order = (v: Version | "zero", w: Version | "zero") =>
    v === "zero" ? (w === "zero" ? 0 : -1) : w === "zero" ? 1 : v.compare(w);
  events.sort((a, b) => order(a.version, b.version));
  return { events, unreadable };
}

/** Whether `version` lies in the range, per the OSV schema's evaluation. */
function inRange(version: Version, events: Timeline["events"]): boolean {
  let affected = false;
  let limited = false;
  let belowLimit = false;
  for (const event of events) {
    const at = event.version;
    const cmp = at === "zero" ? 1 : version.compare(at);
    switch (event.kind) {
      case "introduced":
        if (cmp >= 0) affected = true;
        break;
      case "fixed":
        if (cmp >= 0) affected = false;
        break;
      case "last_affected":
        if (cmp > 0) affected = false;
        break;
      case "limit":
        limited = true;
        if (cmp < 0) belowLimit = true;
        break;
    }
  }
  return affected && (!limited || belowLimit);
}

/**
 * Matches `version` of the PyPI project `name` against `record`.
 *
 * @example
 * ```ts
 * import { parseOsvRecord, matchPypi } from "./osv.ts";
 * import { parseVersion } from "../pep440/mod.ts";
 * const record = parseOsvRecord({
 *   id: "X-1",
 *   affected: [{
 *     package: { ecosystem: "PyPI", name: "Demo" },
 *     ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "2.0" }] }],
 *   }],
 * });
 * matchPypi(record, "demo", parseVersion("1.5")).affected; // true
 * matchPypi(record, "demo", parseVersion("2.0")).affected; // false
 * ```
 */
export function matchPypi(record: OsvRecord, name: PackageName, version: Version): OsvMatch {
  let affected = false;
  const fixes = new Map<string, Version>();
  const unreadable: string[] = [];
  for (const entry of record.affected) {
    if (entry.ecosystem !== PYPI_ECOSYSTEM || canonicalizeName(entry.name) !== name) continue;
    for (const listed of entry.versions) {
      const parsed = tryParseVersion(listed);
      if (parsed === undefined) unreadable.push(listed);
      else if (parsed.compare(version) === 0) affected = true;
    }
    for (const range of entry.ranges) {
      if (range.type !== "ECOSYSTEM") continue;
      const { events, unreadable: bad } = timeline(range);
      for (const item of bad) unreadable.push(item);
      if (bad.length > 0 || !inRange(version, events)) continue;
      affected = true;
      for (const event of events) {
        if (
          event.kind === "fixed" && event.version !== "zero" && event.version.compare(version) > 0
        ) {
          fixes.set(String(event.version), event.version);
        }
      }
    }
  }
  const fixVersions = [...fixes.values()].sort((a, b) => a.compare(b)).map(String);
  return { affected, fixVersions, unreadable };
}

/**
 * Whether the record matches a version that is not PEP 440 (a legacy version
 * string): only `versions` entries written exactly so can.
 */
export function listsVersionText(record: OsvRecord, name: PackageName, version: string): boolean {
  return record.affected.some((entry) =>
    entry.ecosystem === PYPI_ECOSYSTEM && canonicalizeName(entry.name) === name &&
    entry.versions.includes(version)
  );
}
