/**
 * A zip archive written to a file one entry at a time (the entries of
 * `zip_writer.ts`, without zip64): one entry's data at a time is in
 * memory (small ones are written together, up to 1 MiB), and the central
 * directory. An archive that would need zip64 (more than 65,535 entries, or
 * offsets past 4 GiB) is refused before anything past the limit is written.
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { appendAll } from "../lists.ts";
import { encodeZipEntry, endOfCentralDirectory, type ZipWriterEntry } from "./zip_writer.ts";

/** The most entries, and the most bytes before the central directory, without zip64. */
const MAX_ENTRIES = 0xffff;
const MAX_OFFSET = 0xffffffff;
/** Buffered bytes are written once there are this many. */
const FLUSH_SIZE = 1 << 20;

/** The archive would need zip64, which this writer does not write. */
export class ZipTooLargeError extends DpipError<"zip-too-large"> {
  /** The archive's path. */
  readonly path: string;
  /** `path` is the archive; `why` says which limit it passed. */
  constructor(path: string, why: string) {
    super("zip-too-large", `Cannot write ${path}: ${why}`, {
      hint: "the zip archive would need zip64, which dpip does not write",
    });
    this.name = "ZipTooLargeError";
    this.path = path;
  }
}

/**
 * Writes a zip archive to a file, entry by entry.
 *
 * @example
 * ```ts ignore
 * const zip = await ZipFileWriter.create("out.zip");
 * try {
 *   await zip.add({ name: "a/", mode: 0o40755 });
 *   await zip.add({ name: "a/b.txt", data: "hello" });
 *   await zip.finish();
 * } finally {
 *   zip.close();
 * }
 * ```
 */
export class ZipFileWriter {
  readonly #path: string;
  readonly #file: Deno.FsFile;
  readonly #central: Uint8Array[] = [];
  /** Bytes not written yet: small entries are written together. */
  #buffered: Uint8Array[] = [];
  #bufferedSize = 0;
  #offset = 0;
  #closed = false;

  private constructor(path: string, file: Deno.FsFile) {
    this.#path = path;
    this.#file = file;
  }

  /** A new archive at `path` (replacing a file there), named `label` in errors. */
  static async create(path: string, label = path): Promise<ZipFileWriter> {
    const file = await Deno.open(path, { write: true, create: true, truncate: true });
    return new ZipFileWriter(label, file);
  }

  /**
   * Appends one entry.
   *
   * @throws {ZipTooLargeError} when the archive would need zip64.
   */
  async add(entry: ZipWriterEntry): Promise<void> {
    if (this.#central.length >= MAX_ENTRIES) {
      throw new ZipTooLargeError(this.#path, `more than ${MAX_ENTRIES} entries`);
    }
    const encoded = encodeZipEntry(entry, this.#offset);
    if (this.#offset + encoded.localSize > MAX_OFFSET) {
      throw new ZipTooLargeError(this.#path, "more than 4 GiB");
    }
    for (const part of encoded.local) this.#buffered.push(part);
    this.#bufferedSize += encoded.localSize;
    this.#central.push(encoded.central);
    this.#offset += encoded.localSize;
    if (this.#bufferedSize >= FLUSH_SIZE) await this.#flush();
  }

  /**
   * Writes the central directory: the archive is complete.
   *
   * @throws {ZipTooLargeError} when the central directory would end past 4 GiB.
   */
  async finish(): Promise<void> {
    const centralSize = this.#central.reduce((sum, part) => sum + part.length, 0);
    if (this.#offset + centralSize > MAX_OFFSET) {
      throw new ZipTooLargeError(this.#path, "more than 4 GiB");
    }
    appendAll(this.#buffered, this.#central);
    this.#buffered.push(endOfCentralDirectory({
      entries: this.#central.length,
      centralSize,
      centralOffset: this.#offset,
    }));
    await this.#flush();
  }

  async #flush(): Promise<void> {
    const parts = this.#buffered;
    this.#buffered = [];
    this.#bufferedSize = 0;
    const joined = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let at = 0;
    for (const part of parts) {
      joined.set(part, at);
      at += part.length;
    }
    await writeAll(this.#file, joined);
  }

  /** Closes the file (once; finished or not). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#file.close();
  }
}

async function writeAll(file: Deno.FsFile, bytes: Uint8Array): Promise<void> {
  let written = 0;
  while (written < bytes.length) written += await file.write(bytes.subarray(written));
}
