/**
 * Cancellation: how an interrupt (Ctrl-C) reaches code that must clean up.
 *
 * `lib/` never exits: the executable turns SIGINT into an aborted
 * `AbortSignal`, long operations take that signal, stop at the next safe
 * point by throwing {@link CancelledError}, and remove what they made on the
 * way out.
 *
 * @module
 */

import { DpipError } from "./errors.ts";

/** The operation was interrupted (Ctrl-C); everything it made was removed. */
export class CancelledError extends DpipError<"cancelled"> {
  /** pip's words for an interrupt. */
  constructor(options: { cause?: unknown } = {}) {
    super("cancelled", "Operation cancelled by user", options);
    this.name = "CancelledError";
  }
}

/**
 * Throws {@link CancelledError} if `signal` was aborted.
 *
 * @example
 * ```ts
 * import { throwIfCancelled } from "./cancellation.ts";
 * throwIfCancelled(new AbortController().signal); // not aborted: returns
 * ```
 */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw new CancelledError({ cause: signal.reason });
}
