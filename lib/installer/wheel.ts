/**
 * The vocabulary the wheel installer's steps share: what validation learnt
 * about a wheel ({@link WheelManifest}, stored next to its unpacked tree),
 * the scheme keys of its `.data` directories, and the error that refuses it.
 *
 * @module
 */

import { base64Url, sha256 } from "../sha256.ts";
import { DpipError, type ErrorCode } from "../errors.ts";
import type { PackageName } from "../names/mod.ts";
import type { FileStamp } from "./wheel_cache.ts";

/** A wheel that dpip refuses to install; the message is `Cannot install <wheel>: <reason>`. */
export class WheelInstallError extends DpipError {
  /** The wheel's file name. */
  readonly wheel: string;
  /** What is wrong with it. */
  readonly reason: string;

  constructor(wheel: string, reason: string, options: { code?: ErrorCode; cause?: unknown } = {}) {
    super(options.code ?? "invalid-wheel", `Cannot install ${wheel}: ${reason}`, {
      cause: options.cause,
    });
    this.name = "WheelInstallError";
    this.wheel = wheel;
    this.reason = reason;
  }
}

/** One file of an unpacked wheel. */
export interface WheelFile {
  /** The archive path. */
  readonly path: string;
  /** `algorithm=digest` as the wheel's RECORD writes it (verified), or its sha256 if unlisted. */
  readonly hash: string;
  /** The size as RECORD gives it (absent when RECORD leaves it out). */
  readonly size?: number;
  readonly executable: boolean;
  /** The unpacked file's size, mtime and mode, to notice edits through links (absent in old entries). */
  readonly stamp?: FileStamp;
}

/** What validation learnt about a wheel; stored next to its unpacked tree. */
export interface WheelManifest {
  readonly filename: string;
  /** The normalized project name. */
  readonly name: PackageName;
  /** The name as `METADATA` writes it. */
  readonly displayName: string;
  /** The normalized version. */
  readonly version: string;
  /** The `.dist-info` directory's name. */
  readonly distInfo: string;
  readonly rootIsPurelib: boolean;
  /** `Wheel-Version`. */
  readonly wheelVersion: string;
  /** Every file in archive order (the wheel's RECORD included). */
  readonly files: readonly WheelFile[];
  /**
   * What unpacking it warned of (a RECORD that leaves files out, a newer
   * Wheel-Version), kept with a cached entry so that each install warns again.
   */
  readonly warnings?: readonly string[];
}

/** The scheme keys a wheel's `.data/<key>/` directories may use. */
export const DATA_SCHEME_KEYS = ["purelib", "platlib", "scripts", "headers", "data"] as const;
/** One of {@link DATA_SCHEME_KEYS}. */
export type DataSchemeKey = (typeof DATA_SCHEME_KEYS)[number];

/** Whether `key` is one of {@link DATA_SCHEME_KEYS}. */
export function isDataSchemeKey(key: string): key is DataSchemeKey {
  return (DATA_SCHEME_KEYS as readonly string[]).includes(key);
}

/** The message of a caught error. */
export function reasonOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * `sha256=<digest>` of `content`, as RECORD lists a file dpip writes (small
 * ones: launchers, dist-info files; hashed without `node:crypto`, which an
 * install from the cache would otherwise load for these alone).
 */
export function recordHash(content: Uint8Array): string {
  return "sha256=" + base64Url(sha256(content));
}
