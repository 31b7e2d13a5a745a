/**
 * The hash-checking mode error shared by `download` and `install`, in a
 * module of its own so that importing it loads nothing else.
 *
 * @module
 */

import { DpipError } from "../errors.ts";

/** A hash-checking mode rule broken before anything is downloaded, or missing hashes after. */
export class HashRequirementError extends DpipError {
  constructor(message: string, hint: string) {
    super("hash-required", message, { hint });
    this.name = "HashRequirementError";
  }
}
