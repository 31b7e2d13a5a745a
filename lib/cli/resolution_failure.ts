/**
 * The resolver's failure, typed, and rendered the one way every command
 * shows it: `Cannot <verb> <requirements>: no set of versions satisfies
 * them`, then the numbered reasons and the hints. The resolver's modules
 * load only when something is resolved, so the error is recognized by its
 * code first and its class is loaded only then.
 *
 * @module
 */

import { isDpipError } from "../errors.ts";
import type { ResolutionImpossibleError } from "../resolver/failure.ts";
import type { CommandSpec } from "./commands.ts";
import { fitHint } from "./hints.ts";

/** `error` as a {@link ResolutionImpossibleError} (with its derivation), or undefined. */
export async function resolutionFailure(
  error: unknown,
): Promise<ResolutionImpossibleError | undefined> {
  if (!isDpipError(error, "resolution-impossible")) return undefined;
  const { ResolutionImpossibleError } = await import("../resolver/failure.ts");
  return error instanceof ResolutionImpossibleError ? error : undefined;
}

/** What a command does, as its resolution failure says it (`Cannot lock …`). */
export type FailureVerb =
  | "install"
  | "download"
  | "upgrade"
  | "lock"
  | "compile"
  | "bundle"
  | "wheel";

/**
 * The failure as every command shows it: the `ERROR:` line's text (what
 * could not be done, for which requirements) and the explanation after it,
 * its hints naming only options `command` has.
 */
export function failureLines(
  failure: ResolutionImpossibleError,
  verb: FailureVerb,
  command: CommandSpec,
): { error: string; text: string } {
  const { lines, hints } = failure.report;
  const fitted = hints.flatMap((hint) => fitHint(hint, command) ?? []);
  return {
    error: `Cannot ${verb} ${
      failure.requirements.join(", ") || "the requirements"
    }: no set of versions satisfies them`,
    text: [...lines, ...fitted.map((hint) => `hint: ${hint}`)].join("\n"),
  };
}
