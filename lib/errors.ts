/**
 * The root of every error dpip raises on purpose.
 *
 * `code` is a stable kebab-case identifier (`invalid-version`, `hash-mismatch`),
 * `message` is one line that names the bad input, and `hint` says what to do.
 * Anything that is not a `DpipError` reaching the CLI is a bug in dpip.
 *
 * @module
 */

/** Options accepted by every dpip error. */
export interface DpipErrorOptions {
  /** What the user can do about it, one line. */
  hint?: string;
  /** The lower-level error this one wraps. */
  cause?: unknown;
}

/** An expected failure: bad input, a missing file, an unsatisfiable request. */
export class DpipError extends Error {
  /** A stable kebab-case code, e.g. `invalid-version`. */
  readonly code: string;
  /** What the user can do about it. */
  readonly hint?: string;

  /** `code` is the stable identifier, `message` the one line shown to the user. */
  constructor(code: string, message: string, options: DpipErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "DpipError";
    this.code = code;
    if (options.hint !== undefined) this.hint = options.hint;
  }
}

/** A command-line usage mistake: pip reports these with its usage text and exit status 2. */
export class UsageError extends DpipError {
  /** `message` is the one line shown under the usage text. */
  constructor(message: string, options: DpipErrorOptions = {}) {
    super("usage", message, options);
    this.name = "UsageError";
  }
}

/** Marks a branch the type checker proves unreachable. */
export function assertNever(value: never, what = "value"): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
