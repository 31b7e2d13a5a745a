/**
 * A small deterministic zip writer (APPNOTE 6.3, no zip64, no encryption).
 *
 * The same entries always give the same bytes: timestamps default to
 * 1980-01-01 and nothing depends on the clock or the file system. Entries are
 * written in the order given, deflated (`node:zlib`) unless told to store.
 * Unix modes go into the external attributes with "made by Unix", so a
 * reader sees exec bits and file types (a symlink entry is just a mode).
 *
 * @module
 */

import { crc32, deflateRawSync } from "node:zlib";
import { appendAll } from "../lists.ts";

/** One entry to write. A name ending in `/` is a directory. */
export interface ZipWriterEntry {
  /** The path inside the archive, `/`-separated, written as UTF-8. */
  readonly name: string;
  /** The content; strings are written as UTF-8. */
  readonly data?: Uint8Array | string;
  /** The Unix mode including the file-type bits; default `0o100644` (`0o40755` for directories). */
  readonly mode?: number;
  /** `deflate` (default) or `store`. */
  readonly compression?: "deflate" | "store";
  /** The modification time (local DOS time, 2-second resolution); default 1980-01-01 00:00. */
  readonly mtime?: Date;
  /**
   * The uncompressed size to declare in both headers instead of the real one.
   * Only useful to craft archives that lie, to test readers against them.
   */
  readonly declaredSize?: number;
}

const encoder = new TextEncoder();

/**
 * Writes `entries` as one zip archive in memory.
 *
 * @example
 * ```ts
 * import { writeZip } from "./zip_writer.ts";
 * const bytes = writeZip([{ name: "a.txt", data: "hello" }]);
 * if (bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new Error("not a zip");
 * ```
 */
export function writeZip(
  entries: readonly ZipWriterEntry[],
  options: { comment?: string } = {},
): Uint8Array {
  const parts: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  for (const entry of entries) {
    const encoded = encodeZipEntry(entry, offset);
    appendAll(parts, encoded.local);
    central.push(encoded.central);
    offset += encoded.localSize;
  }
  const centralSize = central.reduce((sum, part) => sum + part.length, 0);
  const end = endOfCentralDirectory(
    { entries: entries.length, centralSize, centralOffset: offset },
    options.comment,
  );
  return concat([...parts, ...central, end]);
}

/** One entry encoded: its local header, name and body, and its central directory record. */
export interface EncodedZipEntry {
  readonly local: readonly Uint8Array[];
  /** The bytes of `local`, together. */
  readonly localSize: number;
  readonly central: Uint8Array;
}

/** Encodes one entry whose local header starts at `offset` in the archive. */
export function encodeZipEntry(entry: ZipWriterEntry, offset: number): EncodedZipEntry {
  const name = encoder.encode(entry.name);
  const isDirectory = entry.name.endsWith("/");
  const raw = typeof entry.data === "string" ? encoder.encode(entry.data) : entry.data ??
    new Uint8Array();
  const store = entry.compression === "store" || raw.length === 0;
  const body = store ? raw : new Uint8Array(deflateRawSync(raw));
  const method = store ? 0 : 8;
  const crc = crc32(raw) >>> 0;
  const size = entry.declaredSize ?? raw.length;
  const mode = entry.mode ?? (isDirectory ? 0o40755 : 0o100644);
  const { date, time } = dosDateTime(entry.mtime ?? new Date(1980, 0, 1));
  // Bit 11: names are UTF-8.
  const flags = /^[\x20-\x7e]*$/.test(entry.name) ? 0 : 0x800;

  const local = new DataView(new ArrayBuffer(30));
  local.setUint32(0, 0x04034b50, true);
  local.setUint16(4, 20, true);
  local.setUint16(6, flags, true);
  local.setUint16(8, method, true);
  local.setUint16(10, time, true);
  local.setUint16(12, date, true);
  local.setUint32(14, crc, true);
  local.setUint32(18, body.length, true);
  local.setUint32(22, size, true);
  local.setUint16(26, name.length, true);
  local.setUint16(28, 0, true);

  const header = new DataView(new ArrayBuffer(46));
  header.setUint32(0, 0x02014b50, true);
  header.setUint16(4, (3 << 8) | 20, true); // made by Unix, spec 2.0
  header.setUint16(6, 20, true);
  header.setUint16(8, flags, true);
  header.setUint16(10, method, true);
  header.setUint16(12, time, true);
  header.setUint16(14, date, true);
  header.setUint32(16, crc, true);
  header.setUint32(20, body.length, true);
  header.setUint32(24, size, true);
  header.setUint16(28, name.length, true);
  header.setUint16(30, 0, true); // extra
  header.setUint16(32, 0, true); // comment
  header.setUint16(34, 0, true); // disk
  header.setUint16(36, 0, true); // internal attributes
  header.setUint32(38, ((mode & 0xffff) << 16 | (isDirectory ? 0x10 : 0)) >>> 0, true);
  header.setUint32(42, offset, true);
  return {
    local: [new Uint8Array(local.buffer), name, body],
    localSize: 30 + name.length + body.length,
    central: concat([new Uint8Array(header.buffer), name]),
  };
}

/** The end of central directory record (and the archive comment). */
export function endOfCentralDirectory(
  layout: { entries: number; centralSize: number; centralOffset: number },
  comment = "",
): Uint8Array {
  const text = encoder.encode(comment);
  const end = new DataView(new ArrayBuffer(22));
  end.setUint32(0, 0x06054b50, true);
  end.setUint16(8, layout.entries, true);
  end.setUint16(10, layout.entries, true);
  end.setUint32(12, layout.centralSize, true);
  end.setUint32(16, layout.centralOffset, true);
  end.setUint16(20, text.length, true);
  return concat([new Uint8Array(end.buffer), text]);
}

function dosDateTime(when: Date): { date: number; time: number } {
  const year = Math.min(Math.max(when.getFullYear(), 1980), 2107);
  return {
    date: ((year - 1980) << 9) | ((when.getMonth() + 1) << 5) | when.getDate(),
    time: (when.getHours() << 11) | (when.getMinutes() << 5) | (when.getSeconds() >> 1),
  };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
