/**
 * A wheel's archive as a {@link WheelSource}: what validation reads and the
 * unpacker inflates (`unpack.ts`).
 *
 * @module
 */

import {
  readZipDirectory,
  readZipEntry,
  type ZipArchive,
  type ZipEntry,
  ZipError,
  type ZipInput,
} from "../archive/zip.ts";
import { WheelInstallError } from "./wheel.ts";
import type { SourceFile, WheelSource } from "./wheel_source.ts";

/** One regular file of a wheel archive. */
export interface ArchiveFile extends SourceFile {
  /** The declared uncompressed size. */
  readonly size: number;
  /** Its central-directory record. */
  readonly entry: ZipEntry;
}

/**
 * A wheel archive, in memory or read through a {@link ZipInput} (a file read
 * a window at a time). Opening it parses the central directory and
 * checks every entry's name, type and sizes (`archive/zip.ts`): no name
 * may leave the directory it is unpacked into.
 *
 * @example
 * ```ts ignore
 * const source = new ArchiveSource(bytes, "demo-1.0-py3-none-any.whl");
 * source.read("demo-1.0.dist-info/METADATA");
 * ```
 */
export class ArchiveSource implements WheelSource {
  readonly filename: string;
  readonly files: readonly ArchiveFile[];
  readonly #zip: ZipArchive;
  readonly #byPath: ReadonlyMap<string, ArchiveFile>;

  /** @throws {WheelInstallError} for an archive that is corrupt, unsafe or too large. */
  constructor(input: Uint8Array | ZipInput, filename: string) {
    this.filename = filename;
    this.#zip = refusingZipErrors(filename, () => readZipDirectory(input, { archive: filename }));
    this.files = this.#zip.entries.filter((entry) => entry.kind === "file").map((entry) => ({
      path: entry.name,
      size: entry.size,
      executable: (entry.permissions & 0o111) !== 0,
      entry,
    }));
    this.#byPath = new Map(this.files.map((file) => [file.path, file]));
  }

  has(path: string): boolean {
    return this.#byPath.has(path);
  }

  /** @throws {WheelInstallError} when the entry is missing, corrupt or fails its CRC. */
  read(path: string): Uint8Array {
    const file = this.#byPath.get(path);
    if (file === undefined) {
      throw new WheelInstallError(this.filename, `"${path}" is missing`);
    }
    return this.inflate(file, { verifyCrc: true });
  }

  /**
   * Inflates one file; the CRC may be skipped where the caller verifies a
   * stronger hash of the bytes itself.
   *
   * @throws {WheelInstallError} when the entry is corrupt (or fails a CRC asked for).
   */
  inflate(file: ArchiveFile, options: { verifyCrc: boolean }): Uint8Array {
    return refusingZipErrors(this.filename, () => readZipEntry(this.#zip, file.entry, options));
  }
}

function refusingZipErrors<T>(filename: string, body: () => T): T {
  try {
    return body();
  } catch (error) {
    if (error instanceof ZipError) {
      throw new WheelInstallError(filename, error.reason, { code: error.code, cause: error });
    }
    throw error;
  }
}
