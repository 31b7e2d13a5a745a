/**
 * `--format json`: whether a command was asked for JSON, and writing a
 * document (a value of one of `lib/operations/json_documents.ts`'s shapes)
 * to stdout. The documents are built by the operations; this only renders.
 *
 * @module
 */

import type { CommandContext } from "./context.ts";
import type { Io } from "./io.ts";

/** Whether `--format json` was given (the `outputFormat` option; `list`, `cache` have their own). */
export function wantsJson(context: CommandContext): boolean {
  return context.options.choice("outputFormat") === "json";
}

/** Writes `document` to stdout as JSON, indented by two spaces, with a final newline. */
export function writeJson(io: Io, document: unknown): void {
  io.stdout.write(JSON.stringify(document, null, 2) + "\n");
}

/**
 * A command's document: to the command that runs it as a part (its
 * `collectDocument`), else to stdout as {@link writeJson} writes it.
 */
export function emitDocument(context: CommandContext, document: unknown): void {
  if (context.collectDocument !== undefined) context.collectDocument(document);
  else writeJson(context.io, document);
}
