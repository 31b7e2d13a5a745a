/**
 * What a command's runner receives: the I/O boundary, the parsed options and
 * the positional arguments.
 *
 * @module
 */

import type { CommandSpec } from "./commands.ts";
import type { Configuration } from "./configuration.ts";
import type { Io } from "./io.ts";
import type { OptionValues } from "./option_values.ts";

/** The input of one command run. */
export interface CommandContext {
  readonly io: Io;
  readonly command: CommandSpec;
  readonly options: OptionValues;
  /** Positional arguments after the command name. */
  readonly args: readonly string[];
  /** The name to show in usage lines (`dpip`, or `pip3` when invoked so). */
  readonly program: string;
  /** The configuration files and `PIP_*` variables read at start-up. */
  readonly configuration: Configuration;
  /**
   * Set by a command that runs others as its parts (`sync` runs `install`
   * and `uninstall`): their `--format json` documents come here instead of
   * stdout, for it to print one document of its own.
   */
  readonly collectDocument?: (document: unknown) => void;
}

/** Runs a command and returns its exit status. Never prints except through `context.io`. */
export type CommandRunner = (context: CommandContext) => Promise<number>;
