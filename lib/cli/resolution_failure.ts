/**
 * The resolver's failure, typed, for the commands that render it. The
 * resolver's modules load only when something is resolved, so the error is
 * recognized by its code first and its class is loaded only then.
 *
 * @module
 */

import { isDpipError } from "../errors.ts";
import type { ResolutionImpossibleError } from "../resolver/failure.ts";

/** `error` as a {@link ResolutionImpossibleError} (with its derivation), or undefined. */
export async function resolutionFailure(
  error: unknown,
): Promise<ResolutionImpossibleError | undefined> {
  if (!isDpipError(error, "resolution-impossible")) return undefined;
  const { ResolutionImpossibleError } = await import("../resolver/failure.ts");
  return error instanceof ResolutionImpossibleError ? error : undefined;
}
