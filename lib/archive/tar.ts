/**
 * Reading tar archives (POSIX ustar, pax extended headers, GNU long names)
 * as a stream, as sdists are made by setuptools, hatchling, flit, maturin,
 * poetry and `git archive`.
 *
 * {@link readTar} only parses: it yields each member with its final name and
 * type, its content as a stream of chunks, and throws {@link TarFormatError}
 * on corrupt headers. Nothing is held in memory but the current chunk and
 * the (bounded) pax and long-name records. Deciding what is safe to extract
 * is the caller's job.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { trimChars } from "../trim.ts";

/** A corrupt or unsupported tar stream; `reason` says where. */
export class TarFormatError extends DpipError<"invalid-archive"> {
  /** What is wrong (`header at offset 1024 has a bad checksum`). */
  readonly reason: string;

  /** `reason` says what is wrong and where. */
  constructor(reason: string) {
    super("invalid-archive", `invalid tar archive: ${reason}`);
    this.name = "TarFormatError";
    this.reason = reason;
  }
}

/** What a member is. `special` covers devices and FIFOs. */
export type TarEntryKind = "file" | "directory" | "symlink" | "hardlink" | "special";

/** One member, after pax and GNU headers have been applied. */
export interface TarMember {
  /** The member's path as stored (not yet checked for safety). */
  readonly name: string;
  readonly kind: TarEntryKind;
  /** The permission bits (`0o755`). */
  readonly mode: number;
  /** The link target of a symlink or hardlink, else "". */
  readonly linkName: string;
  /** The content's size in bytes (0 for other kinds than files). */
  readonly size: number;
  /**
   * The content of a regular file, in chunks (nothing for other kinds). Read
   * it, or not, before asking for the next member: what is left is skipped.
   */
  readonly body: AsyncIterable<Uint8Array>;
}

const BLOCK = 512;
/** The largest pax or GNU long-name record read into memory. */
const MAX_RECORD = 1024 * 1024;
const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");

/** Pulls exact byte counts out of a stream of chunks of any size. */
class ChunkReader {
  readonly #chunks: AsyncIterator<Uint8Array>;
  #current: Uint8Array = new Uint8Array(0);
  /** Bytes consumed so far (the offset of the next byte). */
  offset = 0;

  constructor(chunks: AsyncIterable<Uint8Array>) {
    this.#chunks = chunks[Symbol.asyncIterator]();
  }

  /** Up to `max` bytes (at least one), or undefined at the end of the stream. */
  async some(max: number): Promise<Uint8Array | undefined> {
    while (this.#current.length === 0) {
      const next = await this.#chunks.next();
      if (next.done === true) return undefined;
      this.#current = next.value;
    }
    const taken = this.#current.subarray(0, Math.min(max, this.#current.length));
    this.#current = this.#current.subarray(taken.length);
    this.offset += taken.length;
    return taken;
  }

  /** Exactly `count` bytes; fewer only when the stream ends first. */
  async exactly(count: number): Promise<Uint8Array> {
    const first = await this.some(count);
    if (first === undefined || first.length === count) return first ?? new Uint8Array(0);
    const bytes = new Uint8Array(count);
    bytes.set(first);
    let filled = first.length;
    while (filled < count) {
      const more = await this.some(count - filled);
      if (more === undefined) return bytes.subarray(0, filled);
      bytes.set(more, filled);
      filled += more.length;
    }
    return bytes;
  }

  /** Stops reading: the source is told it is no longer needed (a stream is cancelled). */
  async close(): Promise<void> {
    await this.#chunks.return?.();
  }

  /** Skips `count` bytes; false when the stream ends first. */
  async skip(count: number): Promise<boolean> {
    let left = count;
    while (left > 0) {
      const some = await this.some(left);
      if (some === undefined) return false;
      left -= some.length;
    }
    return true;
  }
}

interface PendingHeaders {
  path?: string;
  linkPath?: string;
  size?: number;
}

/**
 * Yields the members of an uncompressed tar stream in order. The stream is
 * read only as far as the end-of-archive marker, and released (a stream is
 * cancelled) when the reading stops, early or not.
 *
 * @example
 * ```ts
 * import { readTar } from "./tar.ts";
 * const empty = ReadableStream.from([new Uint8Array(1024)]); // two zero blocks end the archive
 * for await (const member of readTar(empty)) member.name; // none
 * ```
 */
export async function* readTar(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<TarMember> {
  const reader = new ChunkReader(chunks);
  try {
    yield* readMembers(reader);
  } finally {
    await reader.close();
  }
}

async function* readMembers(reader: ChunkReader): AsyncGenerator<TarMember> {
  let pending: PendingHeaders = {};
  while (true) {
    const at = reader.offset;
    const header = await reader.exactly(BLOCK);
    if (header.length === 0) return; // No end-of-archive marker: tolerated, as tarfile does.
    if (header.length < BLOCK) throw new TarFormatError(`header at offset ${at} is truncated`);
    if (header.every((byte) => byte === 0)) return;
    checkChecksum(header, at);
    const type = String.fromCharCode(header[156]!);
    const declared = parseNumber(header.subarray(124, 136), "size", at);
    const size = "xgLK".includes(type) ? declared : pending.size ?? declared;
    const padding = Math.ceil(size / BLOCK) * BLOCK - size;
    if ("xgLK".includes(type)) {
      if (size > MAX_RECORD) {
        throw new TarFormatError(`extended header at offset ${at} is too large (${size} bytes)`);
      }
      const data = await reader.exactly(size);
      if (data.length < size || !(await reader.skip(padding))) throw truncated(at, size);
      if (type === "x") pending = { ...pending, ...parsePax(data, at + BLOCK) };
      else if (type === "L") pending.path = cString(data);
      else if (type === "K") pending.linkPath = cString(data);
      // "g": global pax headers (git archive's commit id) carry nothing we use.
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
    let left = size;
    const body = async function* (): AsyncGenerator<Uint8Array> {
      if (kind !== "file") return;
      while (left > 0) {
        const chunk = await reader.some(left);
        if (chunk === undefined) throw truncated(at, size);
        left -= chunk.length;
        yield chunk;
      }
    };
    yield { name, kind, mode, linkName, size: kind === "file" ? size : 0, body: body() };
    if (!(await reader.skip(left + padding))) throw truncated(at, size);
  }
}

function truncated(offset: number, size: number): TarFormatError {
  return new TarFormatError(`member at offset ${offset} is truncated (${size} bytes declared)`);
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
    if (!Number.isSafeInteger(value)) {
      throw new TarFormatError(`header at offset ${offset} has a bad ${what} field`);
    }
    return value;
  }
  const text = trimChars(latin1.decode(field), "\0 ");
  if (text === "") return 0;
  if (!/^[0-7]+$/.test(text)) {
    throw new TarFormatError(`header at offset ${offset} has a bad ${what} field`);
  }
  return parseInt(text, 8);
}

/** pax records: `"<length> <key>=<value>\n"`, the length counting the whole record. */
function parsePax(data: Uint8Array, offset: number): PendingHeaders {
  const result: PendingHeaders = {};
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
      if (!/^\d{1,15}$/.test(value)) {
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
