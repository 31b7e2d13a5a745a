/**
 * Builds wheels (and sdists) in memory from declarative data, for tests.
 *
 * A wheel gets a correct `WHEEL`, `METADATA`, `entry_points.txt` and `RECORD`
 * (sha256 and size of every entry) unless a tamper hook says otherwise, so
 * hostile variants are one option away from a valid wheel:
 *
 * ```ts
 * const ok = buildWheel({ name: "demo", version: "1.0", files: { "demo/__init__.py": "" } });
 * const bad = buildWheel({ name: "demo", version: "1.0", record: { omit: ["demo/__init__.py"] } });
 * ```
 *
 * @module
 */

import { createHash } from "node:crypto";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { writeZip, type ZipWriterEntry } from "../../lib/archive/zip_writer.ts";

/** File contents by path. */
export type FileMap = Readonly<Record<string, string | Uint8Array>>;

/** A RECORD line as the builder writes it (CSV fields, unquoted). */
export interface RecordLine {
  path: string;
  hash: string;
  size: string;
}

/** Core metadata fields for `METADATA` / `PKG-INFO`. */
export interface MetadataSpec {
  readonly metadataVersion?: string;
  readonly summary?: string;
  readonly requiresDist?: readonly string[];
  readonly requiresPython?: string;
  readonly providesExtra?: readonly string[];
  /** Further headers, written in order after the ones above. */
  readonly headers?: readonly (readonly [string, string])[];
  /** The description, written as the message body. */
  readonly body?: string;
}

/** Ways to make RECORD wrong, for hostile-wheel tests. */
export interface RecordTamper {
  /** Archive paths to leave out of RECORD. */
  readonly omit?: readonly string[];
  /** Rewrites the computed lines (RECORD's own line included, last). */
  readonly edit?: (lines: RecordLine[]) => RecordLine[];
  /** Replaces RECORD's text entirely. */
  readonly text?: string;
  /** Leaves RECORD out of the archive. */
  readonly absent?: boolean;
}

/** A wheel described as data. */
export interface WheelSpec {
  /** The project name as written in METADATA (`Foo.Bar`); the filename escapes it. */
  readonly name: string;
  /** The version, as written in METADATA and the filename. */
  readonly version: string;
  /** The tag triple(s), possibly compressed (`py2.py3-none-any`); default `py3-none-any`. */
  readonly tags?: string;
  /** A build tag (`1`, `2abc`). */
  readonly build?: string;
  /** Files at the wheel root (`pkg/__init__.py`). */
  readonly files?: FileMap;
  /** Files under `<name>-<version>.data/`, keyed `scripts/tool`, `data/share/x`, `headers/x.h`, `purelib/...`, `platlib/...`. */
  readonly dataFiles?: FileMap;
  /** Extra files in the dist-info dir (`LICENSE`, `top_level.txt`). */
  readonly distInfoFiles?: FileMap;
  /** Unix modes by archive path (e.g. `0o100755`). */
  readonly modes?: Readonly<Record<string, number>>;
  readonly metadata?: MetadataSpec;
  /** `entry_points.txt` as groups of `name = value`, or its raw text. */
  readonly entryPoints?: Readonly<Record<string, Readonly<Record<string, string>>>> | string;
  /** `Root-Is-Purelib`; default true. */
  readonly rootIsPurelib?: boolean;
  /** `Wheel-Version`; default `1.0`. */
  readonly wheelVersion?: string;
  /** Replaces the WHEEL file's text. */
  readonly wheelFile?: string;
  /** The dist-info directory name to use instead of `<name>-<version>.dist-info`. */
  readonly distInfoDir?: string;
  /** The filename to report instead of the computed one. */
  readonly filename?: string;
  readonly record?: RecordTamper;
  /** Raw entries appended after everything else and never listed in RECORD (symlinks, `../x`). */
  readonly extraEntries?: readonly ZipWriterEntry[];
  /** Archive paths to leave out of the archive (and RECORD), e.g. the dist-info's `WHEEL`. */
  readonly omitFiles?: readonly string[];
  /** Uncompressed sizes to declare instead of the real ones, by archive path (zip-bomb tests). */
  readonly declaredSizes?: Readonly<Record<string, number>>;
  /** `store` or `deflate` (default) for every entry. */
  readonly compression?: "store" | "deflate";
}

/** A built archive. */
export interface BuiltArchive {
  readonly filename: string;
  readonly bytes: Uint8Array;
  /** The archive's sha256, lowercase hex. */
  readonly sha256: string;
}

const encoder = new TextEncoder();

/** The wheel/sdist filename form of a project name: runs of `-_.` become `_`, lowercased. */
export function escapeName(name: string): string {
  return name.replace(/[-_.]+/g, "_").toLowerCase();
}

/** The RECORD hash field of `data`: `sha256=` + urlsafe base64 without padding. */
export function recordHash(data: Uint8Array): string {
  return "sha256=" + createHash("sha256").update(data).digest("base64url");
}

function bytesOf(content: string | Uint8Array): Uint8Array {
  return typeof content === "string" ? encoder.encode(content) : content;
}

function csvField(field: string): string {
  return /[",\r\n]/.test(field) ? `"${field.replaceAll('"', '""')}"` : field;
}

/** The text of a METADATA / PKG-INFO file. */
export function formatMetadata(name: string, version: string, spec: MetadataSpec = {}): string {
  const lines = [
    `Metadata-Version: ${spec.metadataVersion ?? "2.1"}`,
    `Name: ${name}`,
    `Version: ${version}`,
  ];
  if (spec.summary !== undefined) lines.push(`Summary: ${spec.summary}`);
  if (spec.requiresPython !== undefined) lines.push(`Requires-Python: ${spec.requiresPython}`);
  for (const extra of spec.providesExtra ?? []) lines.push(`Provides-Extra: ${extra}`);
  for (const requirement of spec.requiresDist ?? []) lines.push(`Requires-Dist: ${requirement}`);
  for (const [key, value] of spec.headers ?? []) lines.push(`${key}: ${value}`);
  return lines.join("\n") + "\n" + (spec.body === undefined ? "" : "\n" + spec.body);
}

function formatEntryPoints(
  entryPoints: Readonly<Record<string, Readonly<Record<string, string>>>> | string,
): string {
  if (typeof entryPoints === "string") return entryPoints;
  return Object.entries(entryPoints)
    .map(([group, entries]) =>
      `[${group}]\n` +
      Object.entries(entries).map(([key, value]) => `${key} = ${value}\n`).join("")
    )
    .join("\n");
}

function expandTags(tags: string): string[] {
  const parts = tags.split("-");
  if (parts.length !== 3) throw new Error(`tags must be a triple: ${tags}`);
  const [pythons, abis, platforms] = parts.map((part) => part.split(".")) as [
    string[],
    string[],
    string[],
  ];
  return pythons.flatMap((python) =>
    abis.flatMap((abi) => platforms.map((platform) => `${python}-${abi}-${platform}`))
  );
}

/**
 * Builds a wheel in memory.
 *
 * @example
 * ```ts
 * import { buildWheel } from "./wheel_builder.ts";
 * const wheel = buildWheel({ name: "demo", version: "1.0", files: { "demo.py": "x = 1\n" } });
 * // wheel.filename === "demo-1.0-py3-none-any.whl"
 * ```
 */
export function buildWheel(spec: WheelSpec): BuiltArchive {
  const tags = spec.tags ?? "py3-none-any";
  const escaped = escapeName(spec.name);
  const filename = spec.filename ??
    [escaped, spec.version, ...(spec.build === undefined ? [] : [spec.build]), tags].join("-") +
      ".whl";
  const distInfo = spec.distInfoDir ?? `${escaped}-${spec.version}.dist-info`;
  const dataDir = `${escaped}-${spec.version}.data`;

  const contents: [string, Uint8Array][] = [];
  for (const [path, content] of Object.entries(spec.files ?? {})) {
    contents.push([path, bytesOf(content)]);
  }
  for (const [path, content] of Object.entries(spec.dataFiles ?? {})) {
    contents.push([`${dataDir}/${path}`, bytesOf(content)]);
  }
  const wheelText = spec.wheelFile ??
    [
        `Wheel-Version: ${spec.wheelVersion ?? "1.0"}`,
        "Generator: dpip-tests (0)",
        `Root-Is-Purelib: ${spec.rootIsPurelib ?? true}`,
        ...expandTags(tags).map((tag) => `Tag: ${tag}`),
        ...(spec.build === undefined ? [] : [`Build: ${spec.build}`]),
      ].join("\n") + "\n";
  contents.push([
    `${distInfo}/METADATA`,
    encoder.encode(formatMetadata(spec.name, spec.version, spec.metadata)),
  ]);
  contents.push([`${distInfo}/WHEEL`, encoder.encode(wheelText)]);
  if (spec.entryPoints !== undefined) {
    contents.push([
      `${distInfo}/entry_points.txt`,
      encoder.encode(formatEntryPoints(spec.entryPoints)),
    ]);
  }
  for (const [path, content] of Object.entries(spec.distInfoFiles ?? {})) {
    contents.push([`${distInfo}/${path}`, bytesOf(content)]);
  }

  const omitted = new Set(spec.omitFiles ?? []);
  const kept = contents.filter(([path]) => !omitted.has(path));
  contents.length = 0;
  contents.push(...kept);

  const recordPath = `${distInfo}/RECORD`;
  const omit = new Set(spec.record?.omit ?? []);
  let lines: RecordLine[] = contents
    .filter(([path]) => !omit.has(path))
    .map(([path, data]) => ({ path, hash: recordHash(data), size: String(data.length) }));
  if (!omit.has(recordPath)) lines.push({ path: recordPath, hash: "", size: "" });
  if (spec.record?.edit !== undefined) lines = spec.record.edit(lines);
  const recordText = spec.record?.text ??
    lines.map((line) => [line.path, line.hash, line.size].map(csvField).join(",") + "\n").join("");
  if (spec.record?.absent !== true) contents.push([recordPath, encoder.encode(recordText)]);

  const entries: ZipWriterEntry[] = contents.map(([name, data]) => {
    const mode = spec.modes?.[name];
    const declaredSize = spec.declaredSizes?.[name];
    return {
      name,
      data,
      ...(mode === undefined ? {} : { mode }),
      ...(declaredSize === undefined ? {} : { declaredSize }),
      ...(spec.compression === undefined ? {} : { compression: spec.compression }),
    };
  });
  const bytes = writeZip([...entries, ...(spec.extraEntries ?? [])]);
  return { filename, bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

/** Builds a wheel and writes it into `dir`; returns it with its `path`. */
export async function writeWheel(
  dir: string,
  spec: WheelSpec,
): Promise<BuiltArchive & { path: string }> {
  const wheel = buildWheel(spec);
  const path = join(dir, wheel.filename);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(path, wheel.bytes);
  return { ...wheel, path };
}

/** An sdist described as data. */
export interface SdistSpec {
  readonly name: string;
  readonly version: string;
  /** Files under the `<name>-<version>/` root; default a setuptools `pyproject.toml`. */
  readonly files?: FileMap;
  readonly metadata?: MetadataSpec;
}

/**
 * Builds a `.tar.gz` sdist in memory: `<name>-<version>/PKG-INFO` plus `files`
 * (by default a `pyproject.toml` naming setuptools, so a frontend can build it).
 *
 * @example
 * ```ts
 * import { buildSdist } from "./wheel_builder.ts";
 * const sdist = buildSdist({ name: "demo", version: "1.0" });
 * // sdist.filename === "demo-1.0.tar.gz"
 * ```
 */
export function buildSdist(spec: SdistSpec): BuiltArchive {
  const root = `${escapeName(spec.name)}-${spec.version}`;
  const files: FileMap = spec.files ?? {
    "pyproject.toml": [
      "[build-system]",
      'requires = ["setuptools"]',
      'build-backend = "setuptools.build_meta"',
      "",
      "[project]",
      `name = "${spec.name}"`,
      `version = "${spec.version}"`,
      "",
    ].join("\n"),
  };
  const members: [string, Uint8Array][] = [
    [`${root}/PKG-INFO`, encoder.encode(formatMetadata(spec.name, spec.version, spec.metadata))],
    ...Object.entries(files).map(([path, content]): [string, Uint8Array] => [
      `${root}/${path}`,
      bytesOf(content),
    ]),
  ];
  const bytes = new Uint8Array(gzipSync(writeTar(members)));
  return {
    filename: `${root}.tar.gz`,
    bytes,
    sha256: createHash("sha256").update(bytes).digest("hex"),
  };
}

/** Writes an sdist into `dir`; returns it with its `path`. */
export async function writeSdist(
  dir: string,
  spec: SdistSpec,
): Promise<BuiltArchive & { path: string }> {
  const sdist = buildSdist(spec);
  const path = join(dir, sdist.filename);
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeFile(path, sdist.bytes);
  return { ...sdist, path };
}

/** A minimal deterministic ustar writer (regular files, names up to 100 bytes or split with a prefix). */
function writeTar(members: readonly [string, Uint8Array][]): Uint8Array {
  const blocks: Uint8Array[] = [];
  for (const [path, data] of members) {
    const header = new Uint8Array(512);
    let name = path;
    let prefix = "";
    if (encoder.encode(name).length > 100) {
      const cut = path.lastIndexOf("/", 155);
      prefix = path.slice(0, cut);
      name = path.slice(cut + 1);
    }
    const put = (text: string, at: number) => header.set(encoder.encode(text), at);
    const octal = (value: number, width: number) =>
      value.toString(8).padStart(width - 1, "0") + "\0";
    put(name, 0);
    put(octal(0o644, 8), 100);
    put(octal(0, 8), 108);
    put(octal(0, 8), 116);
    put(octal(data.length, 12), 124);
    put(octal(0, 12), 136);
    put("        ", 148);
    put("0", 156);
    put("ustar\x0000", 257);
    put(prefix, 345);
    const sum = header.reduce((total, byte) => total + byte, 0);
    put(sum.toString(8).padStart(6, "0") + "\0 ", 148);
    blocks.push(header, data, new Uint8Array((512 - data.length % 512) % 512));
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((total, block) => total + block.length, 0));
  let at = 0;
  for (const block of blocks) {
    out.set(block, at);
    at += block.length;
  }
  return out;
}
