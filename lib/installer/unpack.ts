/**
 * Unpacking a wheel into the cache: its archive ({@link ArchiveSource}) is
 * validated (`wheel_check.ts`), then each file is inflated, hashed against
 * `RECORD` and written under an empty directory, which becomes the unpacked
 * tree the install links from. A refusal leaves the directory to the caller
 * to discard.
 *
 * @module
 */

import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import type { RecordHash } from "../dists/record.ts";
import { dirname, join } from "../paths.ts";
import { trimEndChars } from "../trim.ts";
import { type CheckedWheel, checkWheel, checkWheelFilename } from "./wheel_check.ts";
import { reasonOf, type WheelFile, WheelInstallError, type WheelManifest } from "./wheel.ts";
import { type ArchiveFile, ArchiveSource } from "./archive_source.ts";
import type { ExtractJob } from "./extract_pool.ts";
import { FileInput } from "../archive/file_input.ts";
import { releaseEntry, type ZipInput } from "../archive/zip.ts";
import { DirectoryMaker, type FileStamp, stampOf } from "./wheel_cache.ts";

/** Options for {@link extractWheel}. */
export interface ExtractWheelOptions {
  /** The wheel's file name (its tags, name and version are read from it). */
  readonly filename: string;
  /** An empty directory to unpack into. */
  readonly dir: string;
  /**
   * The tags the target interpreter supports (`cp311-cp311-manylinux_2_17_x86_64`);
   * undefined skips the check (a forced install).
   */
  readonly compatibleTags?: ReadonlySet<string>;
  /** Receives warnings (a newer `Wheel-Version`, files RECORD does not vouch for). */
  readonly onWarning?: (message: string) => void;
}

/**
 * Validates the wheel in `input` (its bytes, or its file read a window at a
 * time) and unpacks it into `options.dir`: files with
 * the default mode (0644 under the usual umask), or 0755 when the archive marks
 * them executable or they are `.data/scripts`. Hashes are computed on the
 * inflated bytes before they are written; a mismatch stops extraction (the
 * caller discards `dir`).
 *
 * @throws {WheelInstallError} naming the wheel and what is wrong.
 */
export function extractWheel(
  input: Uint8Array | ZipInput,
  options: ExtractWheelOptions,
): WheelManifest {
  const { filename } = options;
  const expected = checkWheelFilename(filename, options.compatibleTags);
  const source = new ArchiveSource(input, filename);
  const checked = checkWheel(source, {
    expected,
    ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
  });
  return {
    filename,
    name: checked.name,
    displayName: checked.displayName,
    version: checked.version,
    distInfo: checked.distInfo,
    rootIsPurelib: checked.rootIsPurelib,
    wheelVersion: checked.wheelVersion,
    files: writeTree(source, checked, options.dir),
  };
}

/**
 * Inflates, hashes and writes the files, one by one, each file's memory freed
 * once it is written. (Overlapping the writes on worker threads was measured:
 * no faster here, and more kernel time.)
 */
function writeTree(source: ArchiveSource, checked: CheckedWheel, dir: string): WheelFile[] {
  const directories = new DirectoryMaker();
  directories.make(dir);
  const files: WheelFile[] = [];
  for (const file of source.files) {
    const listed = checked.unsigned.has(file.path) ? undefined : checked.record.get(file.path);
    const vouched = listed?.hash === undefined
      ? undefined
      : { hash: listed.hash, size: listed.size };
    // A hash RECORD gives is stronger than the CRC, which is then skipped.
    const data = source.inflate(file, { verifyCrc: vouched === undefined });
    const sha256 = createHash("sha256").update(data).digest("base64url");
    if (vouched !== undefined) {
      verifyHash(source.filename, file.path, { data, sha256, hash: vouched.hash });
    }
    const executable = file.executable || isDataScript(file.path);
    const stamp = writeFile(source.filename, file, { dir, directories, data, executable });
    const size = data.length;
    releaseEntry(data); // written: its memory is freed now rather than when the collector runs
    // RECORD's own spelling is kept, as pip keeps it (and so its rows stay identical).
    files.push(
      vouched !== undefined
        ? {
          path: file.path,
          hash: `${vouched.hash.algorithm}=${vouched.hash.digest}`,
          ...(vouched.size === undefined ? {} : { size: vouched.size }),
          executable,
          stamp,
        }
        : { path: file.path, hash: `sha256=${sha256}`, size, executable, stamp },
    );
  }
  return files;
}

/** `.data/scripts/` files are made executable whatever the archive says. */
function isDataScript(path: string): boolean {
  const parts = path.split("/");
  return parts[0]!.endsWith(".data") && parts[1] === "scripts" && parts.length > 2;
}

/** @throws {WheelInstallError} when `data` does not match the hash RECORD gives for `path`. */
function verifyHash(
  wheel: string,
  path: string,
  options: { data: Uint8Array; sha256: string; hash: RecordHash },
): void {
  const { algorithm, digest } = options.hash;
  const actual = algorithm === "sha256"
    ? options.sha256
    : createHash(algorithm.replace("_", "-")).update(options.data).digest("base64url");
  if (actual !== trimEndChars(digest, "=") && !matchesHex(digest, actual)) {
    throw new WheelInstallError(
      wheel,
      `"${path}" does not match its ${algorithm} hash in RECORD`,
      { code: "record-mismatch" },
    );
  }
}

/**
 * Whether a RECORD digest is the hex spelling of `actual` (base64url): some
 * build tools write hex; the content is still verified, so such wheels install.
 */
function matchesHex(digest: string, actual: string): boolean {
  if (!/^[0-9a-f]+$/i.test(digest)) return false;
  return Buffer.from(digest, "hex").toString("base64url") === actual;
}

/** Writes one file (never over an existing one) and returns its stamp. */
function writeFile(
  wheel: string,
  file: ArchiveFile,
  options: { dir: string; directories: DirectoryMaker; data: Uint8Array; executable: boolean },
): FileStamp {
  // Archive names were checked when the archive was opened: plain relative paths.
  const target = join(options.dir, file.path);
  try {
    options.directories.make(dirname(target));
    Deno.writeFileSync(
      target,
      options.data,
      options.executable ? { mode: 0o755, createNew: true } : { createNew: true },
    );
    return stampOf(target);
  } catch (error) {
    throw new WheelInstallError(wheel, `cannot unpack "${file.path}": ${reasonOf(error)}`);
  }
}

/** Unpacks `job` on this thread, reading its file a window at a time. */
export function extractHere(job: ExtractJob): WheelManifest {
  using input = FileInput.open(job.path);
  return extractWheel(input, {
    filename: job.filename,
    dir: job.dir,
    ...(job.compatibleTags === undefined ? {} : { compatibleTags: job.compatibleTags }),
    ...(job.onWarning === undefined ? {} : { onWarning: job.onWarning }),
  });
}
