/**
 * Where vulnerability records come from: a directory of OSV JSON files (an
 * OSV export, unpacked, or records of one's own), or a server that speaks
 * the OSV API (`POST /v1/querybatch`, then `GET /v1/vulns/{id}` for each id
 * it names).
 *
 * Both answer the same question — which records concern each `name ==
 * version` — through {@link VulnerabilitySource}. Every byte read is
 * untrusted: files and answers are size-bounded, lists are bounded, and a
 * record that does not parse is reported, never silently dropped.
 *
 * @module
 */

import { join } from "../paths.ts";
import { DpipError } from "../errors.ts";
import type { PackageName } from "../names/mod.ts";
import {
  listsVersionText,
  matchPypi,
  OsvFormatError,
  type OsvRecord,
  parseOsvRecord,
  pypiNames,
} from "./osv.ts";
import { tryParseVersion } from "../pep440/mod.ts";
import { trimEndChars } from "../trim.ts";

/** One `name == version` to look up. */
export interface PackageQuery {
  readonly name: PackageName;
  readonly version: string;
}

/** A record that concerns a queried package, with what the source knows of the match. */
export interface SourceHit {
  readonly record: OsvRecord;
  /** `fixed` versions above the queried one. */
  readonly fixVersions: readonly string[];
}

/** What a source answered. */
export interface SourceAnswer {
  /** Per query (same order): the records that affect it, withdrawn ones left out. */
  readonly hits: readonly (readonly SourceHit[])[];
  /** Withdrawn records that would have matched, by id. */
  readonly withdrawn: readonly string[];
  /** Problems met (records that do not parse, versions that cannot be compared). */
  readonly warnings: readonly string[];
}

/** A database of OSV records. */
export interface VulnerabilitySource {
  /** What to call it in output: the directory or the URL. */
  readonly description: string;
  query(packages: readonly PackageQuery[]): Promise<SourceAnswer>;
}

/** A `--vulnerability-db` that cannot be used (missing, unreadable, a server that fails). */
export class VulnerabilityDbError extends DpipError<"vulnerability-db"> {
  /** The directory or URL, as given. */
  readonly location: string;
  /** `location` as given; `detail` says what is wrong. */
  constructor(location: string, detail: string, options: { cause?: unknown } = {}) {
    super("vulnerability-db", `Cannot read vulnerability database ${location}: ${detail}`, {
      hint: "pass --vulnerability-db a directory of OSV JSON files or an OSV API base URL",
      ...options,
    });
    this.name = "VulnerabilityDbError";
    this.location = location;
  }
}

/** The biggest record file read, and the most files a directory may hold. */
export const MAX_RECORD_FILE_BYTES = 16 * 1024 * 1024;
const MAX_DIRECTORY_FILES = 1_000_000;

/** Matches every query against `records` locally (for a directory, and to compute fixes). */
export function matchRecords(
  records: ReadonlyMap<PackageName, readonly OsvRecord[]>,
  packages: readonly PackageQuery[],
): SourceAnswer {
  const withdrawn = new Set<string>();
  const warnings: string[] = [];
  const hits = packages.map((pkg) => {
    const out: SourceHit[] = [];
    const version = tryParseVersion(pkg.version);
    for (const record of records.get(pkg.name) ?? []) {
      let affected: boolean;
      let fixVersions: readonly string[] = [];
      if (version === undefined) {
        affected = listsVersionText(record, pkg.name, pkg.version);
      } else {
        const match = matchPypi(record, pkg.name, version);
        affected = match.affected;
        fixVersions = match.fixVersions;
        for (const bad of match.unreadable) {
          warnings.push(
            `${record.id} gives version ${
              JSON.stringify(bad)
            } for ${pkg.name}, which is not PEP 440; that range was not checked`,
          );
        }
      }
      if (!affected) continue;
      if (record.withdrawn !== undefined) withdrawn.add(record.id);
      else out.push({ record, fixVersions });
    }
    if (version === undefined && (records.get(pkg.name)?.length ?? 0) > 0) {
      warnings.push(
        `${pkg.name} ${pkg.version} is not a PEP 440 version: only records listing it exactly were matched`,
      );
    }
    return out;
  });
  return { hits, withdrawn: [...withdrawn].sort(), warnings };
}

/** Reads every `*.json` file under `dir` (recursively, not through links) as OSV records. */
export async function readRecordDirectory(
  dir: string,
): Promise<{ records: Map<PackageName, OsvRecord[]>; warnings: string[]; files: number }> {
  const records = new Map<PackageName, OsvRecord[]>();
  const warnings: string[] = [];
  let files = 0;
  try {
    const info = await Deno.stat(dir);
    if (!info.isDirectory) throw new VulnerabilityDbError(dir, "not a directory");
  } catch (error) {
    if (error instanceof VulnerabilityDbError) throw error;
    throw new VulnerabilityDbError(dir, describe(error), { cause: error });
  }
  const pending = [dir];
  const decoder = new TextDecoder();
  while (pending.length > 0) {
    const current = pending.pop()!;
    for await (const entry of Deno.readDir(current)) {
      const path = join(current, entry.name);
      if (entry.isDirectory) {
        pending.push(path);
        continue;
      }
      if (!entry.isFile || !entry.name.endsWith(".json")) continue;
      if (++files > MAX_DIRECTORY_FILES) {
        throw new VulnerabilityDbError(dir, `more than ${MAX_DIRECTORY_FILES} files`);
      }
      const size = (await Deno.lstat(path)).size;
      if (size > MAX_RECORD_FILE_BYTES) {
        warnings.push(`${path}: skipped, larger than ${MAX_RECORD_FILE_BYTES} bytes`);
        continue;
      }
      let record: OsvRecord;
      try {
        record = parseOsvRecord(JSON.parse(decoder.decode(await Deno.readFile(path))));
      } catch (error) {
        if (!(error instanceof SyntaxError || error instanceof OsvFormatError)) throw error;
        warnings.push(`${path}: not an OSV record (${error.message.split("\n")[0]})`);
        continue;
      }
      for (const name of pypiNames(record)) {
        const list = records.get(name);
        if (list === undefined) records.set(name, [record]);
        else list.push(record);
      }
    }
  }
  // The walk's order is the file system's: sort so output does not depend on it.
  for (const list of records.values()) {
    list.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }
  return { records, warnings, files };
}

function describe(error: unknown): string {
  if (error instanceof Deno.errors.NotFound) return "no such directory";
  if (error instanceof Deno.errors.PermissionDenied) return "permission denied";
  return error instanceof Error ? error.message : String(error);
}

/** A directory of OSV JSON records. */
export function directorySource(dir: string): VulnerabilitySource {
  return {
    description: dir,
    async query(packages) {
      const { records, warnings } = await readRecordDirectory(dir);
      const answer = matchRecords(records, packages);
      return { ...answer, warnings: [...warnings, ...answer.warnings] };
    },
  };
}

/** What the API source needs from HTTP: JSON in and out, bounded. */
export interface JsonTransport {
  /** POSTs `body` as JSON; returns the status and the parsed answer (undefined when not JSON). */
  postJson(url: string, body: unknown): Promise<{ status: number; json: unknown }>;
  /** GETs `url`; returns the status and the parsed answer (undefined when not JSON). */
  getJson(url: string): Promise<{ status: number; json: unknown }>;
}

/** The most queries one `querybatch` request carries (the OSV API's limit). */
export const QUERY_BATCH_SIZE = 1000;
/** Pages followed for one query before giving up. */
const MAX_PAGES = 100;
/** Records fetched at once. */
const FETCH_CONCURRENCY = 8;

interface BatchResult {
  readonly ids: string[];
  readonly nextPageToken?: string;
}

function readBatch(json: unknown, expected: number, where: string): BatchResult[] {
  const results = typeof json === "object" && json !== null
    ? (json as Record<string, unknown>).results
    : undefined;
  if (!Array.isArray(results) || results.length !== expected) {
    throw new VulnerabilityDbError(
      where,
      `querybatch answered ${
        Array.isArray(results) ? `${results.length} results` : "no results list"
      } for ${expected} queries`,
    );
  }
  return results.map((result) => {
    const vulns = typeof result === "object" && result !== null
      ? (result as Record<string, unknown>).vulns
      : undefined;
    const token = typeof result === "object" && result !== null
      ? (result as Record<string, unknown>).next_page_token
      : undefined;
    const ids: string[] = [];
    if (Array.isArray(vulns)) {
      for (const vuln of vulns.slice(0, 100_000)) {
        const id = typeof vuln === "object" && vuln !== null
          ? (vuln as Record<string, unknown>).id
          : undefined;
        if (typeof id === "string" && id !== "") ids.push(id);
      }
    }
    return typeof token === "string" && token !== "" ? { ids, nextPageToken: token } : { ids };
  });
}

/** The API base with `/v1` (an URL that already ends in `/v1` is kept). */
function apiRoot(base: string): string {
  const trimmed = trimEndChars(base, "/");
  return trimmed.endsWith("/v1") ? trimmed : `${trimmed}/v1`;
}

/**
 * A server speaking the OSV API at `base` (e.g. `https://api.osv.dev`): the
 * server decides which records affect each version; records are fetched by
 * id and their `fixed` versions computed locally.
 */
export function apiSource(base: string, transport: JsonTransport): VulnerabilitySource {
  const root = apiRoot(base);
  return {
    description: base,
    async query(packages) {
      const idsPerQuery: string[][] = packages.map(() => []);
      for (let start = 0; start < packages.length; start += QUERY_BATCH_SIZE) {
        const batch = packages.slice(start, start + QUERY_BATCH_SIZE).map((pkg, i) => ({
          index: start + i,
          query: { package: { name: pkg.name, ecosystem: "PyPI" }, version: pkg.version },
        }));
        let open: { index: number; query: Record<string, unknown> }[] = batch;
        for (let page = 0; open.length > 0; page++) {
          if (page >= MAX_PAGES) {
            throw new VulnerabilityDbError(base, `more than ${MAX_PAGES} pages for one query`);
          }
          const answer = await transport.postJson(`${root}/querybatch`, {
            queries: open.map((item) => item.query),
          });
          if (answer.status !== 200) {
            throw new VulnerabilityDbError(base, `querybatch answered HTTP ${answer.status}`);
          }
          const results = readBatch(answer.json, open.length, base);
          const next: typeof open = [];
          results.forEach((result, i) => {
            const item = open[i]!;
            for (const id of result.ids) idsPerQuery[item.index]!.push(id);
            if (result.nextPageToken !== undefined) {
              next.push({
                index: item.index,
                query: { ...item.query, page_token: result.nextPageToken },
              });
            }
          });
          open = next;
        }
      }
      const records = await fetchRecords(root, base, new Set(idsPerQuery.flat()), transport);
      const byName = new Map<PackageName, OsvRecord[]>();
      const hits: SourceHit[][] = [];
      const withdrawn = new Set<string>();
      const warnings: string[] = [];
      packages.forEach((pkg, i) => {
        const out: SourceHit[] = [];
        const listed = idsPerQuery[i]!.map((id) => records.get(id)!);
        byName.set(pkg.name, listed);
        const local = matchRecords(byName, [pkg]);
        for (const item of local.warnings) warnings.push(item);
        for (const record of listed) {
          if (record.withdrawn !== undefined) {
            withdrawn.add(record.id);
            continue;
          }
          const fixes = local.hits[0]!.find((hit) => hit.record.id === record.id)?.fixVersions;
          out.push({ record, fixVersions: fixes ?? [] });
        }
        hits.push(out);
      });
      return { hits, withdrawn: [...withdrawn].sort(), warnings };
    },
  };
}

async function fetchRecords(
  root: string,
  base: string,
  ids: ReadonlySet<string>,
  transport: JsonTransport,
): Promise<Map<string, OsvRecord>> {
  const records = new Map<string, OsvRecord>();
  const queue = [...ids].sort();
  let next = 0;
  const worker = async () => {
    for (let id = queue[next++]; id !== undefined; id = queue[next++]) {
      const answer = await transport.getJson(`${root}/vulns/${encodeURIComponent(id)}`);
      if (answer.status !== 200) {
        throw new VulnerabilityDbError(base, `record ${id} answered HTTP ${answer.status}`);
      }
      let record: OsvRecord;
      try {
        record = parseOsvRecord(answer.json);
      } catch (error) {
        if (!(error instanceof OsvFormatError)) throw error;
        throw new VulnerabilityDbError(base, `record ${id} is not an OSV record: ${error.message}`);
      }
      if (record.id !== id) {
        throw new VulnerabilityDbError(base, `asked for record ${id}, got ${record.id}`);
      }
      records.set(id, record);
    }
  };
  await Promise.all(Array.from({ length: Math.min(FETCH_CONCURRENCY, queue.length) }, worker));
  return records;
}
