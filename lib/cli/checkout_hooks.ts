/**
 * What commands that check out VCS requirements (`install`, `wheel`,
 * `download`) tell the build dispatch: where editable checkouts go (`--src`,
 * pip's default otherwise), what to do with one in the way
 * (`--exists-action`, else the user's answer on stdin, as pip asks), and how
 * the checkouts' lines are printed.
 *
 * @module
 */

import { resolve } from "../paths.ts";
import type { CheckoutHooks } from "../operations/build_sources.ts";
import { defaultSrcDir } from "../operations/build_sources.ts";
import type { Interpreter } from "../python/mod.ts";
import type { ExistsAction } from "../vcs/obtain.ts";
import type { CommandContext } from "./context.ts";
import { displayPath, type InstallPrinter } from "./install_render.ts";

/** `--src` (relative to the working directory, `~` expanded), else pip's default for `interpreter`. */
export function srcDirOf(context: CommandContext, interpreter: Interpreter): string {
  const { io, options } = context;
  const given = options.string("src");
  if (given === undefined || given === "") return defaultSrcDir(interpreter, io.cwd);
  const expanded = given === "~" || given.startsWith("~/")
    ? `${io.env["HOME"] ?? ""}${given.slice(1)}`
    : given;
  return resolve(io.cwd, expanded);
}

/** The `--exists-action` answers given, in order. */
export function existsActionsOf(context: CommandContext): ExistsAction[] {
  return context.options.strings("existsAction").flatMap((value) => value.split(/\s+/))
    .filter((value): value is ExistsAction => ["s", "i", "w", "b", "a"].includes(value));
}

/**
 * Checkout lines as pip prints them (info lines indented under the
 * requirement, warnings, the commands with `-v`), and the question about a
 * directory in the way asked on stdin unless `--no-input`.
 */
export function checkoutHooks(context: CommandContext, printer: InstallPrinter): CheckoutHooks {
  const { io, options } = context;
  return {
    reporter: {
      onInfo: (text) => printer.info(`  ${text}`),
      onWarning: (text) => printer.warning(text),
      onCommand: (line) => printer.debug(`  Running command ${line}`),
    },
    displayPath: (path) => displayPath(path, io.cwd),
    ...(options.flag("noInput") || io.readLine === undefined ? {} : {
      ask: async (question: string, choices: readonly string[]) => {
        for (;;) {
          io.stdout.write(question);
          const answer = await io.readLine!();
          if (answer === undefined) {
            io.stdout.write("\n");
            return undefined;
          }
          const response = answer.trim().toLowerCase();
          if (choices.includes(response)) return response;
          io.stdout.write(
            `Your response ('${response}') was not one of the expected responses: ${
              choices.join(", ")
            }\n`,
          );
        }
      },
    }),
  };
}
