/**
 * How big a body dpip reads whole into memory may be, once decoded.
 *
 * Index pages, JSON answers and metadata files are read whole, and a server
 * picks how big they are (a gzip-encoded page of a few kilobytes can expand
 * to gigabytes). Bodies are decoded as they stream and counted; past the
 * limit the request fails in one line that names the URL and the limit.
 *
 * The limits are proportional to what is legitimate: the biggest real PyPI
 * project pages are tens of megabytes (tens of thousands of files), so pages
 * get 128 MiB; a wheel's METADATA is kilobytes (a few with a long README
 * reach a megabyte or two), so metadata gets 16 MiB. Files that are
 * downloaded (wheels, sdists) stream to disk and have no such limit. Both are
 * set with environment variables (`DPIP_MAX_PAGE_SIZE`,
 * `DPIP_MAX_METADATA_SIZE`: bytes, or a number with `K`, `M` or `G`).
 *
 * @module
 */

import { DpipError } from "../errors.ts";
import { redactUrl } from "./auth.ts";

/** The largest decoded bodies, in bytes. */
export interface BodyLimits {
  /** Index pages (HTML, JSON), find-links pages and any other body read whole. */
  readonly page: number;
  /** Core metadata (PEP 658 files, METADATA read from a wheel, a wheel's zip directory). */
  readonly metadata: number;
}

const MiB = 1024 * 1024;

/** The default limits (see the module doc for why). */
export const DEFAULT_BODY_LIMITS: BodyLimits = { page: 128 * MiB, metadata: 16 * MiB };

/** The environment variable that sets each limit. */
export const BODY_LIMIT_VARIABLES: Readonly<Record<keyof BodyLimits, string>> = {
  page: "DPIP_MAX_PAGE_SIZE",
  metadata: "DPIP_MAX_METADATA_SIZE",
};

/** A body bigger than its limit. */
export class BodyTooLargeError extends DpipError<"body-too-large"> {
  readonly url: string;
  readonly limit: number;
  constructor(url: string, detail: { limit: number; kind: keyof BodyLimits }) {
    const what = detail.kind === "page" ? "pages" : "metadata";
    super(
      "body-too-large",
      `The response from ${redactUrl(url)} is larger than ${
        formatSize(detail.limit)
      }, dpip's limit for ${what}`,
      {
        hint: `if it is legitimate, raise the limit with ${
          BODY_LIMIT_VARIABLES[detail.kind]
        } (bytes, or a number with K, M or G)`,
      },
    );
    this.name = "BodyTooLargeError";
    this.url = redactUrl(url);
    this.limit = detail.limit;
  }
}

/** A limit variable that is not a size. */
export class InvalidBodyLimitError extends DpipError<"invalid-size-limit"> {
  constructor(variable: string, value: string) {
    super(
      "invalid-size-limit",
      `${variable}=${value} is not a size: give bytes, or a number with K, M or G`,
    );
    this.name = "InvalidBodyLimitError";
  }
}

/**
 * A size in bytes from `1000`, `64K`, `128M`, `1G` (binary units, case
 * ignored, an optional `B`/`iB`); undefined when it is not one.
 *
 * @example
 * ```ts
 * import { parseSize } from "./body_limits.ts";
 * parseSize("16M"); // 16777216
 * parseSize("2 GiB"); // 2147483648
 * parseSize("lots"); // undefined
 * ```
 */
export function parseSize(text: string): number | undefined {
  // Trimmed first: blanks at both ends of the pattern would trade characters (quadratic).
  const match = /^(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?$/i.exec(text.trim());
  if (match === null) return undefined;
  const unit = { "": 1, k: 1024, m: MiB, g: 1024 * MiB }[(match[2] ?? "").toLowerCase()] ?? 1;
  const bytes = Math.floor(Number(match[1]) * unit);
  return bytes > 0 && Number.isSafeInteger(bytes) ? bytes : undefined;
}

/**
 * A size for people: `128 MiB`, `640 KiB`, `10 bytes`.
 *
 * @example
 * ```ts
 * import { formatSize } from "./body_limits.ts";
 * formatSize(128 * 1024 * 1024); // "128 MiB"
 * ```
 */
export function formatSize(bytes: number): string {
  const units: [number, string][] = [[1024 * MiB, "GiB"], [MiB, "MiB"], [1024, "KiB"]];
  for (const [size, unit] of units) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

/**
 * The limits set in `env` (see {@link BODY_LIMIT_VARIABLES}), the defaults
 * for the rest. Throws {@link InvalidBodyLimitError} for a value that is not a size.
 *
 * @example
 * ```ts
 * import { bodyLimitsFromEnv } from "./body_limits.ts";
 * bodyLimitsFromEnv({ DPIP_MAX_PAGE_SIZE: "1G" }).page; // 1073741824
 * ```
 */
export function bodyLimitsFromEnv(env: Readonly<Record<string, string>>): BodyLimits {
  const read = (kind: keyof BodyLimits): number => {
    const variable = BODY_LIMIT_VARIABLES[kind];
    const value = env[variable];
    if (value === undefined || value === "") return DEFAULT_BODY_LIMITS[kind];
    const size = parseSize(value);
    if (size === undefined) throw new InvalidBodyLimitError(variable, value);
    return size;
  };
  return { page: read("page"), metadata: read("metadata") };
}
