/**
 * `direct_url.json` (PEP 610, the direct URL data structure): where a
 * distribution installed from a URL, a local directory or a VCS came from.
 *
 * Parsing validates like `packaging.direct_url.DirectUrl.from_dict`;
 * formatting writes what pip writes (`json.dumps(..., sort_keys=True)`, with
 * credentials redacted).
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { quoted } from "./message.ts";
import { formatPythonJson } from "./python_json.ts";

/** `direct_url.json` that is not valid JSON or breaks PEP 610. */
export class InvalidDirectUrlError extends DpipError {
  /** The text (or JSON value) that failed. */
  readonly input: string;
  /** The dotted key the problem is at, e.g. `archive_info.hashes`. */
  readonly context?: string;

  constructor(input: string, why: string, context?: string) {
    const at = context === undefined ? "" : ` at ${JSON.stringify(context)}`;
    super("invalid-direct-url", `Invalid direct_url.json ${quoted(input)}: ${why}${at}`);
    this.name = "InvalidDirectUrlError";
    this.input = input;
    if (context !== undefined) this.context = context;
  }
}

/** An archive (sdist or wheel) URL. */
export interface ArchiveInfo {
  readonly kind: "archive";
  /** Hashes of the archive by algorithm (`{ sha256: "<hex>" }`). */
  readonly hashes?: Readonly<Record<string, string>>;
  /** The legacy `<algorithm>=<hex>` field, as written. */
  readonly hash?: string;
}

/** A local directory (`file://` URL). */
export interface DirInfo {
  readonly kind: "dir";
  /** Installed in editable mode (PEP 660). */
  readonly editable?: boolean;
}

/** A version control checkout. */
export interface VcsInfo {
  readonly kind: "vcs";
  /** `git`, `hg`, `bzr`, `svn`, … */
  readonly vcs: string;
  /** The exact commit installed. */
  readonly commitId: string;
  /** The revision the user asked for (branch, tag, ref). */
  readonly requestedRevision?: string;
}

/** A parsed `direct_url.json`. */
export interface DirectUrl {
  /** The URL, with any credentials already redacted by the writer. */
  readonly url: string;
  /** What kind of source the URL points at. */
  readonly info: ArchiveInfo | DirInfo | VcsInfo;
  /** The project's directory inside the source, relative. */
  readonly subdirectory?: string;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function pythonTypeName(value: Json): string {
  if (value === null) return "NoneType";
  if (typeof value === "boolean") return "bool";
  if (typeof value === "number") return Number.isInteger(value) ? "int" : "float";
  if (typeof value === "string") return "str";
  return Array.isArray(value) ? "list" : "dict";
}

class Reader {
  constructor(readonly input: string) {}

  fail(why: string, context?: string): never {
    throw new InvalidDirectUrlError(this.input, why, context);
  }

  get<T extends "string" | "boolean" | "object">(
    object: JsonObject,
    key: string,
    type: T,
    context: string,
  ): (T extends "string" ? string : T extends "boolean" ? boolean : JsonObject) | undefined {
    const value = Object.hasOwn(object, key) ? object[key] : undefined;
    if (value === undefined || value === null) return undefined;
    const actual = typeof value;
    const ok = type === "object" ? isObject(value) : actual === type;
    if (!ok) {
      const expected = type === "string" ? "str" : type === "boolean" ? "bool" : "Mapping";
      this.fail(`unexpected type ${pythonTypeName(value)} (expected ${expected})`, context);
    }
    return value as never;
  }

  required(object: JsonObject, key: string, context: string): string {
    const value = this.get(object, key, "string", context);
    if (value === undefined) this.fail("missing required value", context);
    return value;
  }
}

function readArchive(reader: Reader, object: JsonObject): ArchiveInfo {
  let hashes: Record<string, string> | undefined;
  const rawHashes = reader.get(object, "hashes", "object", "archive_info.hashes");
  if (rawHashes !== undefined) {
    hashes = {};
    for (const [algorithm, value] of Object.entries(rawHashes)) {
      if (typeof value !== "string") {
        reader.fail("hash values must be strings", "archive_info.hashes");
      }
      hashes[algorithm] = value;
    }
  }
  const hash = reader.get(object, "hash", "string", "archive_info.hash");
  if (hash !== undefined) {
    const equals = hash.indexOf("=");
    if (equals < 0) {
      reader.fail("invalid hash format (expected '<algorithm>=<hash>')", "archive_info.hash");
    }
    const algorithm = hash.slice(0, equals);
    const value = hash.slice(equals + 1);
    if (hashes === undefined) hashes = { [algorithm]: value };
    else if (!Object.hasOwn(hashes, algorithm)) {
      reader.fail(
        `algorithm ${quoted(algorithm)} of the hash field is not in the hashes field`,
        "archive_info.hashes",
      );
    } else if (hashes[algorithm] !== value) {
      reader.fail(
        `algorithm ${quoted(algorithm)} of the hash field has a different value in ` +
          "the hashes field",
        "archive_info.hash",
      );
    }
  }
  const info: { kind: "archive"; hashes?: Record<string, string>; hash?: string } = {
    kind: "archive",
  };
  if (hashes !== undefined) info.hashes = hashes;
  if (hash !== undefined) info.hash = hash;
  return info;
}

/**
 * Parses and validates `direct_url.json`: `url` is required, exactly one of
 * `archive_info`, `dir_info` and `vcs_info` is present, `dir_info` needs a
 * `file://` URL, a legacy `hash` agrees with `hashes`, and every field has its
 * type.
 *
 * @throws {InvalidDirectUrlError} naming the field that is wrong.
 * @example
 * ```ts
 * import { parseDirectUrl } from "./direct_url.ts";
 * parseDirectUrl('{"url": "file:///src/app", "dir_info": {"editable": true}}');
 * // { url: "file:///src/app", info: { kind: "dir", editable: true } }
 * ```
 */
export function parseDirectUrl(text: string): DirectUrl {
  let data: Json;
  try {
    data = JSON.parse(text) as Json;
  } catch (error) {
    throw new InvalidDirectUrlError(text, `not JSON (${(error as Error).message})`);
  }
  const reader: Reader = new Reader(text);
  if (!isObject(data)) reader.fail("expected a JSON object");
  const url = reader.required(data, "url", "url");
  const infos: (ArchiveInfo | DirInfo | VcsInfo)[] = [];
  const archive = reader.get(data, "archive_info", "object", "archive_info");
  if (archive !== undefined) infos.push(readArchive(reader, archive));
  const vcs = reader.get(data, "vcs_info", "object", "vcs_info");
  if (vcs !== undefined) {
    const info: { kind: "vcs"; vcs: string; commitId: string; requestedRevision?: string } = {
      kind: "vcs",
      vcs: reader.required(vcs, "vcs", "vcs_info.vcs"),
      commitId: "",
    };
    const requested = reader.get(
      vcs,
      "requested_revision",
      "string",
      "vcs_info.requested_revision",
    );
    info.commitId = reader.required(vcs, "commit_id", "vcs_info.commit_id");
    if (requested !== undefined) info.requestedRevision = requested;
    infos.push(info);
  }
  const dir = reader.get(data, "dir_info", "object", "dir_info");
  if (dir !== undefined) {
    const info: { kind: "dir"; editable?: boolean } = { kind: "dir" };
    const editable = reader.get(dir, "editable", "boolean", "dir_info.editable");
    if (editable !== undefined) info.editable = editable;
    infos.push(info);
  }
  const subdirectory = reader.get(data, "subdirectory", "string", "subdirectory");
  const [info] = infos;
  if (infos.length !== 1 || info === undefined) {
    reader.fail("exactly one of vcs_info, archive_info, dir_info must be present");
  }
  if (info.kind === "dir" && !url.startsWith("file://")) {
    reader.fail("the URL scheme must be file:// when dir_info is present", "url");
  }
  return subdirectory === undefined ? { url, info } : { url, info, subdirectory };
}

/** The sha256 an archive's `direct_url.json` records (`hashes`, or the legacy `hash`). */
export function archiveSha256(info: DirectUrl["info"]): string | undefined {
  if (info.kind !== "archive") return undefined;
  const legacy = info.hash?.startsWith("sha256=") ? info.hash.slice("sha256=".length) : undefined;
  return info.hashes?.["sha256"] ?? (legacy || undefined);
}

const environmentCredentials = /^\$\{[A-Za-z0-9\-_]+\}(:\$\{[A-Za-z0-9\-_]+\})?$/;

/**
 * The URL with `user:password@` removed, except PEP 610's `${VAR}` forms and
 * `git@` for git (as pip keeps them).
 */
export function redactDirectUrl(url: string, info: DirectUrl["info"]): string {
  // `scheme://netloc…`: the scheme has none of ":/?#", the netloc runs to the first "/?#".
  let schemeEnd = 0;
  while (schemeEnd < url.length && !":/?#".includes(url[schemeEnd]!)) schemeEnd++;
  if (schemeEnd === 0 || !url.startsWith("://", schemeEnd)) return url;
  let netlocEnd = schemeEnd + 3;
  while (netlocEnd < url.length && !"/?#".includes(url[netlocEnd]!)) netlocEnd++;
  const scheme = url.slice(0, schemeEnd + 3);
  const netloc = url.slice(schemeEnd + 3, netlocEnd);
  const rest = url.slice(netlocEnd);
  const at = netloc.indexOf("@");
  if (at < 0) return url;
  const credentials = netloc.slice(0, at);
  if (info.kind === "vcs" && info.vcs === "git" && credentials === "git") return url;
  if (environmentCredentials.test(credentials)) return url;
  return scheme + netloc.slice(at + 1) + rest;
}

/**
 * Writes `direct_url.json` as pip does: keys sorted, `", "`/`": "` separators,
 * non-ASCII escaped, credentials redacted, absent fields (and `editable: false`)
 * left out, and a legacy archive `hash` also listed in `hashes`.
 *
 * @example
 * ```ts
 * import { formatDirectUrl } from "./direct_url.ts";
 * formatDirectUrl({ url: "https://u:p@h/x.whl", info: { kind: "archive", hash: "sha256=ab" } });
 * // '{"archive_info": {"hash": "sha256=ab", "hashes": {"sha256": "ab"}}, "url": "https://h/x.whl"}'
 * ```
 */
export function formatDirectUrl(directUrl: DirectUrl): string {
  const info = directUrl.info;
  const data: JsonObject = { url: redactDirectUrl(directUrl.url, info) };
  if (directUrl.subdirectory !== undefined) data["subdirectory"] = directUrl.subdirectory;
  switch (info.kind) {
    case "archive": {
      const archive: JsonObject = {};
      let hashes = info.hashes === undefined ? undefined : { ...info.hashes };
      if (info.hash !== undefined) {
        archive["hash"] = info.hash;
        const equals = info.hash.indexOf("=");
        const algorithm = info.hash.slice(0, equals);
        hashes ??= {};
        if (equals >= 0 && !Object.hasOwn(hashes, algorithm)) {
          hashes[algorithm] = info.hash.slice(equals + 1);
        }
      }
      if (hashes !== undefined) archive["hashes"] = hashes;
      data["archive_info"] = archive;
      break;
    }
    case "dir":
      data["dir_info"] = info.editable === true ? { editable: true } : {};
      break;
    case "vcs": {
      const vcs: JsonObject = { vcs: info.vcs, commit_id: info.commitId };
      if (info.requestedRevision !== undefined) vcs["requested_revision"] = info.requestedRevision;
      data["vcs_info"] = vcs;
      break;
    }
  }
  return formatPythonJson(data, { sortKeys: true });
}
