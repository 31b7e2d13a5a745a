/**
 * Reading tar archives (POSIX ustar, pax extended headers, GNU long names)
 * from bytes in memory, as sdists are made by setuptools, hatchling, flit,
 * maturin, poetry and `git archive`.
 *
 * {@link readTarEntries} only parses: it yields each member with its final
 * name, type and data, and throws {@link TarFormatError} on corrupt headers.
 * Deciding what is safe to extract is the caller's job.
 *
 * @module
 */

import { DpipError } from "../errors.ts";

/** A corrupt or unsupported tar stream; `reason` says where. */
export class TarFormatError extends DpipError {
  /** What is wrong (`header at offset 1024 has a bad checksum`). */
  readonly reason: string;

  constructor(reason: string) {
    super("invalid-archive", `invalid tar archive: ${reason}`);
    this.name = "TarFormatError";
    this.reason = reason;
  }
}

/** What a member is. `special` covers devices and FIFOs. */
export type TarEntryKind = "file" | "directory" | "symlink" | "hardlink" | "special";

/** One member, after pax and GNU headers have been applied. */
export interface TarEntry {
  /** The member's path as stored (not yet checked for safety). */
  readonly name: string;
  readonly kind: TarEntryKind;
  /** The permission bits (`0o755`). */
  readonly mode: number;
  /** The link target of a symlink or hardlink, else "". */
  readonly linkName: string;
  /** The content of a regular file (empty for other kinds). */
  readonly data: Uint8Array;
}

const BLOCK = 512;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");

/**
 * Yields the members of an uncompressed tar archive in order.
 *
 * @example
 * ```ts
 * import { readTarEntries } from "./tar.ts";
 * [...readTarEntries(new Uint8Array(1024))].length; // 0 (two zero blocks end the archive)
 * ```
 */
export function* readTarEntries(bytes: Uint8Array): Generator<TarEntry> {
  let at = 0;
  let pending: { path?: string; linkPath?: string; size?: number } = {};
  while (at + BLOCK <= bytes.length) {
    const header = bytes.subarray(at, at + BLOCK);
    if (header.every((byte) => byte === 0)) return;
    checkChecksum(header, at);
    const type = String.fromCharCode(header[156]!);
    const declared = parseNumber(header.subarray(124, 136), "size", at);
    const size = "xgLK".includes(type) ? declared : pending.size ?? declared;
    const dataStart = at + BLOCK;
    if (dataStart + size > bytes.length) {
      throw new TarFormatError(`member at offset ${at} is truncated (${size} bytes declared)`);
    }
    const data = bytes.subarray(dataStart, dataStart + size);
    at = dataStart + Math.ceil(size / BLOCK) * BLOCK;
    switch (type) {
      case "x":
        pending = { ...pending, ...parsePax(data, dataStart) };
        continue;
      case "g": // Global pax headers (git archive's commit id) carry nothing we use.
        continue;
      case "L":
        pending.path = cString(data);
        continue;
      case "K":
        pending.linkPath = cString(data);
        continue;
    }
    let name = pending.path ?? cString(header.subarray(0, 100));
    if (pending.path === undefined && isPosixUstar(header)) {
      const prefix = cString(header.subarray(345, 500));
      if (prefix !== "") name = `${prefix}/${name}`;
    }
    const linkName = pending.linkPath ?? cString(header.subarray(157, 257));
    const mode = parseNumber(header.subarray(100, 108), "mode", at) & 0o7777;
    pending = {};
    const kind = entryKind(type, name, at);
    yield { name, kind, mode, linkName, data: kind === "file" ? data : new Uint8Array(0) };
  }
}

function entryKind(type: string, name: string, offset: number): TarEntryKind {
  switch (type) {
    case "0":
    case "\0":
    case "7":
      return name.endsWith("/") ? "directory" : "file";
    case "1":
      return "hardlink";
    case "2":
      return "symlink";
    case "3":
    case "4":
    case "6":
      return "special";
    case "5":
      return "directory";
    default:
      throw new TarFormatError(
        `member ${JSON.stringify(name)} at offset ${offset} has unsupported type ${
          JSON.stringify(type)
        }`,
      );
  }
}

function isPosixUstar(header: Uint8Array): boolean {
  // "ustar\0" + "00"; GNU tar writes "ustar  \0" and uses the prefix field for other data.
  return latin1.decode(header.subarray(257, 263)) === "ustar\0";
}

function checkChecksum(header: Uint8Array, offset: number): void {
  const stored = parseNumber(header.subarray(148, 156), "checksum", offset);
  let unsigned = 0;
  let signed = 0;
  for (let index = 0; index < BLOCK; index++) {
    const byte = index >= 148 && index < 156 ? 0x20 : header[index]!;
    unsigned += byte;
    signed += byte > 127 ? byte - 256 : byte;
  }
  if (stored !== unsigned && stored !== signed) {
    throw new TarFormatError(`header at offset ${offset} has a bad checksum (not a tar archive?)`);
  }
}

/** An octal field (NUL/space padded), or GNU's base-256 form for large values. */
function parseNumber(field: Uint8Array, what: string, offset: number): number {
  if ((field[0]! & 0x80) !== 0) {
    let value = field[0]! & 0x7f;
    for (let index = 1; index < field.length; index++) value = value * 256 + field[index]!;
    return value;
  }
  const text = latin1.decode(field).replace(/[\0 ]+$/, "").replace(/^[ \0]+/, "");
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw new TarFormatError(`header at offset ${offset} has a bad ${what} field`);
  }
  return parseInt(text, 8);
}

/** pax records: `"<length> <key>=<value>\n"`, the length counting the whole record. */
function parsePax(
  data: Uint8Array,
  offset: number,
): { path?: string; linkPath?: string; size?: number } {
  const result: { path?: string; linkPath?: string; size?: number } = {};
  let at = 0;
  while (at < data.length) {
    let space = at;
    while (space < data.length && data[space] !== 0x20) space++;
    const length = Number(latin1.decode(data.subarray(at, space)));
    if (!Number.isInteger(length) || length <= space - at || at + length > data.length) {
      if (data.subarray(at).every((byte) => byte === 0)) break;
      throw new TarFormatError(`pax header at offset ${offset} has a bad record length`);
    }
    const record = decodeName(data.subarray(space + 1, at + length - 1));
    at += length;
    const equals = record.indexOf("=");
    if (equals < 0) throw new TarFormatError(`pax header at offset ${offset} has a bad record`);
    const key = record.slice(0, equals);
    const value = record.slice(equals + 1);
    if (key === "path") result.path = value;
    else if (key === "linkpath") result.linkPath = value;
    else if (key === "size") {
      if (!/^\d+$/.test(value)) {
        throw new TarFormatError(`pax header at offset ${offset} has a bad size`);
      }
      result.size = Number(value);
    }
  }
  return result;
}

function cString(field: Uint8Array): string {
  const end = field.indexOf(0);
  return decodeName(end < 0 ? field : field.subarray(0, end));
}

function decodeName(raw: Uint8Array): string {
  try {
    return utf8.decode(raw);
  } catch {
    return latin1.decode(raw);
  }
}
