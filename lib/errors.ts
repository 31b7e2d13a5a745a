/**
 * The root of every error dpip raises on purpose.
 *
 * `code` is a stable kebab-case identifier (`invalid-version`, `hash-mismatch`),
 * `message` is one line that names the bad input, and `hint` says what to do.
 * Anything that is not a `DpipError` reaching the CLI is a bug in dpip.
 *
 * @module
 */

/**
 * Every error code dpip raises, in one place: a code compared or thrown
 * anywhere else must be one of these, so a typo fails `deno check`.
 */
export const ERROR_CODES = [
  "usage",
  "build-backend-failed",
  "build-cycle",
  "cancelled",
  "certificate-file",
  "compile-failed",
  "config-command",
  "conflicting-options",
  "direct-reference-unusable",
  "dependency-group",
  "double-requirement",
  "environment-change-failed",
  "environment-lock",
  "externally-managed-environment",
  "hash-file",
  "hash-mismatch",
  "hash-required",
  "http-status",
  "index-action",
  "install-interrupted",
  "interpreter-not-found",
  "interpreter-probe-failed",
  "invalid-archive",
  "invalid-build-system",
  "invalid-config-file",
  "invalid-constraint",
  "invalid-core-metadata",
  "invalid-direct-url",
  "invalid-entry-point",
  "invalid-file-url",
  "invalid-index-page",
  "invalid-marker",
  "marker-too-complex",
  "invalid-pylock",
  "invalid-name",
  "invalid-python-version",
  "invalid-record",
  "invalid-requirement",
  "invalid-resolver-input",
  "invalid-script-metadata",
  "invalid-upload-time",
  "invalid-script-entry-point",
  "invalid-sdist-filename",
  "invalid-specifier",
  "invalid-tag",
  "invalid-tag-facts",
  "invalid-version",
  "invalid-wheel-filename",
  "link-failed",
  "list-command",
  "metadata-mismatch",
  "network-error",
  "no-confirmation",
  "no-files",
  "no-matching-distribution",
  "output-file",
  "not-a-python-project",
  "path-option-conflict",
  "pylock-unusable",
  "requirements-file",
  "requirements-file-unreadable",
  "resolution-impossible",
  "resolution-too-long",
  "source-build-failed",
  "undefined-marker-comparison",
  "undefined-marker-variable",
  "uninstall-needs-name",
  "unsafe-archive",
  "unlockable",
  "unsupported-requirement",
  "upload-time-missing",
  "cache-action-missing",
  "cache-disabled",
  "cache-pattern-missing",
  "cache-too-many-arguments",
  "cannot-uninstall",
  "distutils-installed",
  "incompatible-wheel",
  "invalid-wheel",
  "missing-record",
  "outside-environment",
  "wheel-not-found",
  "zip-bomb",
  "record-mismatch",
  "unsafe-destination",
  "venv-directory",
  "venv-unsupported",
  "venv-write-failed",
  "body-too-large",
  "invalid-size-limit",
  "indexes-unreachable",
  "vulnerability-db",
  "audit-unpinned",
  "attestation-failed",
  "trusted-root",
  "build-sandbox-unavailable",
  "invalid-vcs-url",
  "vcs-not-installed",
  "vcs-command-failed",
  "checkout-exists",
  "source-zip-failed",
  "zip-too-large",
  "dpip-build-missing",
  "bundle-output",
] as const;

/** A stable kebab-case error code (see {@link ERROR_CODES}). */
export type ErrorCode = typeof ERROR_CODES[number];

/** Options accepted by every dpip error. */
export interface DpipErrorOptions {
  /** What the user can do about it, one line. */
  hint?: string;
  /** The lower-level error this one wraps. */
  cause?: unknown;
}

/** An expected failure: bad input, a missing file, an unsatisfiable request. */
export class DpipError<C extends ErrorCode = ErrorCode> extends Error {
  /** A stable kebab-case code, e.g. `invalid-version`. */
  readonly code: C;
  /** What the user can do about it. */
  readonly hint?: string;

  /** `code` is the stable identifier, `message` the one line shown to the user. */
  constructor(code: C, message: string, options: DpipErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DpipError";
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
  }
}

/** A command-line usage mistake: pip reports these with its usage text and exit status 2. */
export class UsageError extends DpipError<"usage"> {
  /** `message` is the one line shown under the usage text. */
  constructor(message: string, options: DpipErrorOptions = {}) {
    super("usage", message, options);
    this.name = "UsageError";
  }
}

/**
 * Whether `error` is a {@link DpipError} with one of `codes` (any code when
 * none is given). Codes are checked by the type checker against
 * {@link ERROR_CODES}.
 */
export function isDpipError<C extends ErrorCode>(
  error: unknown,
  ...codes: readonly C[]
): error is DpipError<C> {
  return error instanceof DpipError && (codes.length === 0 || codes.includes(error.code as C));
}

/** Marks a branch the type checker proves unreachable. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
